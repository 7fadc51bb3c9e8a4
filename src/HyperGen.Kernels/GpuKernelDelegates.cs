using ILGPU;

namespace HyperGen.Kernels;

/// <summary>
/// A generated level update: thread <paramref name="index"/> updates every <paramref name="threads"/>-th element
/// from its index on (the values, their state and, by the kernel, the partials or the kept inputs). The generated
/// <c>Step</c>, <c>StepWithPartials</c> and <c>StepKeepingInputs</c> kernels have this signature, which the
/// registration's method-group conversion checks when the generated code compiles.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
/// <param name="index">The first element this thread updates.</param>
/// <param name="weights">The values the level updates: the weights, or the raw hyperparameters of the level below.</param>
/// <param name="gradients">Their gradients (the hypergradient, above level 1).</param>
/// <param name="state">The per-element state, variable-major (the state read, for a kernel that keeps its inputs).</param>
/// <param name="partials">Where the partials go, hyperparameter-major (the state written, for a kernel that keeps its inputs).</param>
/// <param name="raw">The level's raw hyperparameters.</param>
/// <param name="refusal">The tower's refusal record: a refused step writes nothing.</param>
/// <param name="count">The number of elements, the stride of state and partials.</param>
/// <param name="stepIndex">The 1-based step index of the level.</param>
/// <param name="threads">The threads launched.</param>
public delegate void LevelStepKernel<T>(
    Index1D index, ArrayView<T> weights, ArrayView<T> gradients, ArrayView<T> state, ArrayView<T> partials, ArrayView<T> raw,
    ArrayView<int> refusal, int count, int stepIndex, int threads)
    where T : unmanaged;

/// <summary>
/// Level 1's hypergradient block sums recomputing the previous step's partials from its kept inputs instead of
/// reading stored ones (explicitly grouped: the sums reduce in shared memory). The generated
/// <c>RecomputeHypergradients</c> kernels have this signature.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
/// <param name="gradients">This step's gradients.</param>
/// <param name="stateBefore">The state the previous update started from.</param>
/// <param name="savedGradients">The gradients the previous update used.</param>
/// <param name="raw">The raw hyperparameters the previous update used.</param>
/// <param name="blockSums">One sum per block and hyperparameter, block-major.</param>
/// <param name="count">The number of weights.</param>
/// <param name="stepIndex">The 1-based index of the previous update.</param>
public delegate void RecomputeHypergradientsKernel<T>(
    ArrayView<T> gradients, ArrayView<T> stateBefore, ArrayView<T> savedGradients, ArrayView<T> raw, ArrayView<double> blockSums,
    int count, int stepIndex)
    where T : unmanaged;

/// <summary>
/// The generated dispatcher: every upper level of a tower, top-down, in one launch of one thread group (explicitly
/// grouped). The generated <c>UpperLevelsSingle</c> and <c>UpperLevelsDouble</c> have this signature.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
/// <param name="levels">One entry per upper level, level 2 first.</param>
/// <param name="raw">Every level's raw hyperparameters, packed.</param>
/// <param name="initialRaw">Their initial values, for the hyperparameters that are held.</param>
/// <param name="learned">Per packed hyperparameter, 1 when the level above learns it.</param>
/// <param name="hypergradients">Every level's hypergradient, packed.</param>
/// <param name="state">The upper levels' state, packed.</param>
/// <param name="partials">The upper levels' partials, packed.</param>
/// <param name="bounds">Three values per packed hyperparameter: low, high (raw domain) and 1 for a bound on the magnitude.</param>
/// <param name="boundHits">Per packed hyperparameter, how often a bound moved it.</param>
/// <param name="refusal">The tower's refusal record: a refused step writes nothing.</param>
/// <param name="stepIndex">The 1-based step index.</param>
public delegate void UpperLevelsKernel<T>(
    ArrayView<DispatchLevel> levels, ArrayView<T> raw, ArrayView<T> initialRaw, ArrayView<int> learned, ArrayView<T> hypergradients,
    ArrayView<T> state, ArrayView<T> partials, ArrayView<T> bounds, ArrayView<int> boundHits, ArrayView<int> refusal, int stepIndex)
    where T : unmanaged;
