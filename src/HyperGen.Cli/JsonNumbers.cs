using System.Text.Json;

namespace HyperGen.Cli;

/// <summary>Writes doubles so that they read back exactly, and non-finite ones in a form JSON can hold.</summary>
internal static class JsonNumbers
{
    /// <summary>
    /// Finite values use the writer's shortest round-trip form. JSON has no NaN or infinity, so a diverging run is
    /// written with the strings "NaN", "Infinity" and "-Infinity", the names System.Text.Json itself reads with
    /// <see cref="System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals"/>.
    /// </summary>
    public static void Write(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }
}
