using System;
using System.Globalization;
using PlainLoop;

// Logistic regression on synthetic data, gradients computed by hand, parameters stepped by a HyperGen tower in
// three kinds of memory: a managed array, native memory, and two tensors (array + native) as one parameter set.
const int steps = 300;
var model = new LogisticRegression(ClassificationData.Generate(featureCount: 16, sampleCount: 1024, seed: 11));
Console.WriteLine($"tower: {PlainLoopTraining.TowerText}, {steps} steps");
foreach (TrainingOutcome outcome in new[]
{
    PlainLoopTraining.OverArray(model, steps),
    PlainLoopTraining.OverNativeMemory(model, steps),
    PlainLoopTraining.OverSeveralTensors(model, steps),
})
{
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"{outcome.Memory,-16} loss {outcome.InitialLoss:F4} -> {outcome.FinalLoss:F4}  accuracy {outcome.Accuracy:P1}  tuned alpha {outcome.Alpha:G4}"));
}
