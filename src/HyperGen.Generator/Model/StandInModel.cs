using HyperGen.Generator.Helpers;

namespace HyperGen.Generator.Model;

/// <summary>
/// The class of a step that has errors, held by value: it still gets the members users call (<c>Definition</c>,
/// <c>CreateTower</c>), as stand-ins that throw, so that the build reports the step's own HG errors and not also a
/// "does not contain a definition for 'CreateTower'" at every place that uses the optimizer.
/// </summary>
/// <param name="Namespace">The class's namespace, or null for the global namespace.</param>
/// <param name="ClassName">The optimizer class.</param>
/// <param name="MethodName">The step method that has errors.</param>
/// <param name="ErrorIds">The ids of the step's errors, distinct and in order, for the stand-ins' exception message.</param>
internal sealed record StandInModel(string? Namespace, string ClassName, string MethodName, EquatableArray<string> ErrorIds);
