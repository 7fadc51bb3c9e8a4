using System;
using System.Globalization;
using System.Runtime.InteropServices;
using PlainLoop;

// Logistic regression on synthetic data, gradients computed by hand, parameters stepped by a HyperGen tower in
// three kinds of memory: a managed array, native memory, and two tensors (array + native) as one parameter set.
const int steps = 300;
var model = new LogisticRegression(ClassificationData.Generate(featureCount: 16, sampleCount: 1024, seed: 11));
Console.WriteLine($"tower: {PlainLoopTraining.TowerText}, {steps} steps");
TrainingOutcome array = PlainLoopTraining.OverArray(model, steps);
TrainingOutcome native = PlainLoopTraining.OverNativeMemory(model, steps);
TrainingOutcome tensors = PlainLoopTraining.OverSeveralTensors(model, steps);
foreach (TrainingOutcome outcome in new[] { array, native, tensors })
{
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"{outcome.Memory,-16} loss {outcome.InitialLoss:F6} -> {outcome.FinalLoss:F6}  accuracy {outcome.Accuracy:P1}  tuned alpha {outcome.Alpha:G6}"));
}

// The tower does the same arithmetic whoever owns the memory: native memory gives the array's parameters exactly.
bool identical = MemoryMarshal.AsBytes(array.Parameters.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(native.Parameters.AsSpan()))
    && BitConverter.DoubleToInt64Bits(array.Alpha) == BitConverter.DoubleToInt64Bits(native.Alpha);
Console.WriteLine($"native memory vs array: {(identical ? "the same parameters and alpha, bit for bit" : "DIFFERENT")}");

// Two tensors are one parameter set: the hypergradient is one sum over both, added up in another order than over
// one flat buffer, so the parameters agree to float rounding.
double largest = 0;
for (int i = 0; i < array.Parameters.Length; i++)
{
    largest = Math.Max(largest, Math.Abs(array.Parameters[i] - tensors.Parameters[i]) / (1 + Math.Abs(array.Parameters[i])));
}

Console.WriteLine(string.Create(
    CultureInfo.InvariantCulture,
    $"several tensors vs array: parameters within {largest:G3} (relative), alpha within {Math.Abs(array.Alpha - tensors.Alpha):G3}"));

// Memory the loop owns is the loop's to free; a buffer used after that refuses rather than touching freed memory.
var freed = new NativeBuffer(4);
((IDisposable)freed).Dispose();
try
{
    _ = freed.Span;
    Console.WriteLine("a native buffer after Dispose: still usable (it should not be)");
}
catch (ObjectDisposedException)
{
    Console.WriteLine("a native buffer after Dispose: refuses use (ObjectDisposedException)");
}
