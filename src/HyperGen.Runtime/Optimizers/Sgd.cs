using HyperGen;

namespace HyperGen.Optimizers;

/// <summary>
/// Stochastic gradient descent with optional momentum: <c>buf = mu * buf + g; w -= alpha * buf</c>. As in the
/// paper, momentum that starts at exactly 0 stays off: <c>mu</c> is then held at 0 and never learned.
/// </summary>
public static partial class Sgd
{
    /// <summary>One SGD step for one weight.</summary>
    /// <param name="w">The weight.</param>
    /// <param name="g">The loss gradient at the weight.</param>
    /// <param name="buf">The momentum buffer.</param>
    /// <param name="alpha">The step size.</param>
    /// <param name="mu">The momentum.</param>
    [HyperOptimize]
    public static void Step(
        ref float w, float g, ref float buf,
        [Hyper(0.01)] float alpha,
        [Hyper(0.0, InactiveAtZero = true)] float mu)
    {
        buf = mu * buf + g;
        w -= alpha * buf;
    }
}
