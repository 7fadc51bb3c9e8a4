using System.Collections.Generic;

namespace HyperGen.Cli.Commands.Reproduce;

/// <summary>
/// One row of the paper's Table 1: a tower (or, for a re-run row, "the previous row's level-1 optimizer, plain,
/// from the hyperparameters it learned"), the paper's epochs, and the paper's MNIST result for orientation.
/// </summary>
/// <param name="Group">The optimizer family: sgd, adagrad, adam or rmsprop.</param>
/// <param name="Label">The paper's notation, in ASCII (Adam^alpha for the paper's Adam with a superscript alpha).</param>
/// <param name="Tower">The tower spec; null for a re-run row.</param>
/// <param name="Epochs">The paper's epochs for this family (30 for SGD, 5 for the others).</param>
/// <param name="PaperMnist">The paper's MNIST test error, mean ± sd, as printed.</param>
internal sealed record Table1Row(string Group, string Label, string? Tower, int Epochs, string PaperMnist)
{
    /// <summary>Whether this row re-runs the previous row's level-1 optimizer from its learned hyperparameters.</summary>
    public bool IsRerun => Tower is null;

    /// <summary>Whether the tower has a level above the first, i.e. the row is hyperoptimized.</summary>
    public bool IsHyperoptimized => Tower is not null && Tower.Contains('/', System.StringComparison.Ordinal);

    /// <summary>The label in the form <c>--rows</c> matches: lower case, without spaces.</summary>
    public string Key => Label.Replace(" ", "", System.StringComparison.Ordinal).ToLowerInvariant();
}

/// <summary>The paper's Table 1, row by row, mapped onto HyperGen tower specs.</summary>
internal static class Table1Rows
{
    private const int SgdEpochs = 30;
    private const int OtherEpochs = 5;

    /// <summary>
    /// All rows in the paper's order. Unspecified hyperparameters are PyTorch's defaults, as in the paper: SGD
    /// alpha 0.01, Adam alpha 1e-3, AdaGrad alpha 0.01, RMSProp alpha 0.01 and gamma 0.99. "SGD / SGD" is therefore
    /// SGD(0.01) tuned by SGD(0.01). Adam^alpha is <c>adamalpha</c>; RMSProp^alpha is <c>rmspropalpha</c>; the
    /// paper's RMSProp^alpha,gamma is plain <c>rmsprop</c>, which learns both.
    /// </summary>
    public static IReadOnlyList<Table1Row> All { get; } =
    [
        new("sgd", "SGD", "sgd(alpha=0.01)", SgdEpochs, "8.99 ± 0.05"),
        new("sgd", "SGD / SGD", "sgd(alpha=0.01)/sgd(alpha=0.01)", SgdEpochs, "4.81 ± 0.10"),
        new("sgd", "SGD / SGD re-run", null, SgdEpochs, "5.44 ± 0.10"),
        new("sgd", "SGD / Adam(0.1)", "sgd(alpha=0.01)/adam(alpha=0.1)", SgdEpochs, "4.86 ± 0.06"),
        new("sgd", "SGD / Adam(0.1) re-run", null, SgdEpochs, "2.80 ± 0.09"),
        new("sgd", "SGD / AdaGrad", "sgd(alpha=0.01)/adagrad(alpha=0.01)", SgdEpochs, "4.85 ± 0.21"),
        new("sgd", "SGD / AdaGrad re-run", null, SgdEpochs, "5.17 ± 0.03"),
        new("sgd", "SGD / RMSProp(0.1)", "sgd(alpha=0.01)/rmsprop(alpha=0.1)", SgdEpochs, "4.52 ± 0.02"),
        new("sgd", "SGD / RMSProp(0.1) re-run", null, SgdEpochs, "2.52 ± 0.07"),

        new("adagrad", "AdaGrad", "adagrad(alpha=0.01)", OtherEpochs, "7.40 ± 0.08"),
        new("adagrad", "AdaGrad / SGD", "adagrad(alpha=0.01)/sgd(alpha=0.01)", OtherEpochs, "6.90 ± 0.16"),
        new("adagrad", "AdaGrad / SGD re-run", null, OtherEpochs, "7.75 ± 0.02"),
        new("adagrad", "AdaGrad / AdaGrad", "adagrad(alpha=0.01)/adagrad(alpha=0.01)", OtherEpochs, "5.03 ± 0.23"),
        new("adagrad", "AdaGrad / AdaGrad re-run", null, OtherEpochs, "6.67 ± 0.08"),

        new("adam", "Adam", "adam(alpha=1e-3)", OtherEpochs, "4.67 ± 0.06"),
        new("adam", "Adam / SGD(1e-5)", "adam(alpha=1e-3)/sgd(alpha=1e-5)", OtherEpochs, "3.03 ± 0.02"),
        new("adam", "Adam / SGD(1e-5) re-run", null, OtherEpochs, "3.11 ± 0.06"),
        new("adam", "Adam^alpha / SGD(1e-5)", "adamalpha(alpha=1e-3)/sgd(alpha=1e-5)", OtherEpochs, "3.12 ± 0.04"),
        new("adam", "Adam^alpha / SGD(1e-5) re-run", null, OtherEpochs, "3.47 ± 0.02"),
        new("adam", "Adam / Adam", "adam(alpha=1e-3)/adam(alpha=1e-3)", OtherEpochs, "3.05 ± 0.09"),
        new("adam", "Adam / Adam re-run", null, OtherEpochs, "3.24 ± 0.13"),
        new("adam", "Adam^alpha / Adam", "adamalpha(alpha=1e-3)/adam(alpha=1e-3)", OtherEpochs, "3.04 ± 0.08"),
        new("adam", "Adam^alpha / Adam re-run", null, OtherEpochs, "3.08 ± 0.12"),

        new("rmsprop", "RMSProp", "rmsprop(alpha=0.01, gamma=0.99)", OtherEpochs, "4.19 ± 0.47"),
        new("rmsprop", "RMSProp^alpha / SGD(1e-4)", "rmspropalpha(alpha=0.01)/sgd(alpha=1e-4)", OtherEpochs, "3.55 ± 0.23"),
        new("rmsprop", "RMSProp^alpha / SGD(1e-4) re-run", null, OtherEpochs, "3.93 ± 0.70"),
        new("rmsprop", "RMSProp^alpha,gamma / SGD(1e-4)", "rmsprop(alpha=0.01, gamma=0.99)/sgd(alpha=1e-4)", OtherEpochs, "3.33 ± 0.07"),
        new("rmsprop", "RMSProp^alpha,gamma / SGD(1e-4) re-run", null, OtherEpochs, "3.25 ± 0.09"),
        new("rmsprop", "RMSProp^alpha / RMSProp(1e-4)", "rmspropalpha(alpha=0.01)/rmsprop(alpha=1e-4)", OtherEpochs, "3.42 ± 0.45"),
        new("rmsprop", "RMSProp^alpha / RMSProp(1e-4) re-run", null, OtherEpochs, "3.60 ± 0.04"),
        new("rmsprop", "RMSProp^alpha,gamma / RMSProp(1e-4)", "rmsprop(alpha=0.01, gamma=0.99)/rmsprop(alpha=1e-4)", OtherEpochs, "2.96 ± 0.11"),
        new("rmsprop", "RMSProp^alpha,gamma / RMSProp(1e-4) re-run", null, OtherEpochs, "3.65 ± 0.36"),
    ];
}
