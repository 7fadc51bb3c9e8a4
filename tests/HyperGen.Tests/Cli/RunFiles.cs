using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HyperGen.Tests.Cli;

/// <summary>Reads a <c>train</c> run's files for comparison with another run's.</summary>
internal static class RunFiles
{
    /// <summary>The JSON file with every timing removed (they differ from run to run), indented the same way.</summary>
    public static string JsonWithoutTimings(string path)
    {
        JsonNode root = JsonNode.Parse(File.ReadAllText(path))!;
        Strip(root);
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

        static void Strip(JsonNode? node)
        {
            if (node is JsonObject obj)
            {
                foreach (string name in new[] { "train_seconds", "evaluation_seconds", "seconds_per_epoch" })
                {
                    obj.Remove(name);
                }

                foreach (KeyValuePair<string, JsonNode?> child in obj)
                {
                    Strip(child.Value);
                }
            }
            else if (node is JsonArray array)
            {
                foreach (JsonNode? item in array)
                {
                    Strip(item);
                }
            }
        }
    }
}
