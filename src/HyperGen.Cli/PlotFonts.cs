using System;
using System.IO;
using System.Threading;

namespace HyperGen.Cli;

/// <summary>
/// Makes every plot use the DejaVu Sans file shipped next to the program (Assets/Fonts), so plots have text on a
/// machine without any system font (SkiaSharp's dependency-free native build does not search fontconfig) and look
/// the same everywhere.
/// </summary>
internal static class PlotFonts
{
    private const string FamilyName = "DejaVu Sans";
    private static int s_registered;

    /// <summary>Registers the shipped font as ScottPlot's default, once; call before creating a plot.</summary>
    public static void Use()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 1)
        {
            return;
        }

        string path = Path.Combine(AppContext.BaseDirectory, "Assets", "Fonts", "DejaVuSans.ttf");
        if (!File.Exists(path))
        {
            return; // a trimmed copy without the asset still plots, with whatever fonts the system has
        }

        // One regular face serves all four styles: titles are then drawn regular rather than missing.
        foreach ((bool bold, bool italic) in new[] { (false, false), (true, false), (false, true), (true, true) })
        {
            ScottPlot.Fonts.AddFontFile(FamilyName, path, bold, italic);
        }

        ScottPlot.Fonts.Default = FamilyName;
    }
}
