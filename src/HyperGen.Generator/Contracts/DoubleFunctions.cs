namespace HyperGen;

/// <summary>
/// <c>double.IsFinite</c>, which netstandard2.0 lacks, for the runtime files the generator compiles (HyperDomains.cs):
/// a static extension of <see cref="double"/>, so that those files read the same in both assemblies.
/// </summary>
internal static class DoubleFunctions
{
    extension(double)
    {
        /// <summary>Whether <paramref name="value"/> is neither NaN nor infinite.</summary>
        public static bool IsFinite(double value) => !double.IsNaN(value) && !double.IsInfinity(value);
    }
}
