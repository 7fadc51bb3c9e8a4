using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using HyperGen.Generator.Diagnostics;
using HyperGen.Generator.Ir;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace HyperGen.Generator.Binding;

/// <summary>
/// Binds the body of a step method, through IOperation, into terms: every local and every assigned parameter is
/// replaced by the term it holds at that point (static single assignment by substitution). Anything outside the
/// supported language is reported at its own location.
/// </summary>
internal sealed class StepBinder
{
    private readonly TermFactory _f;
    private readonly ParameterRoles _roles;
    private readonly IReadOnlyList<HyperDomain> _domains;
    private readonly List<DiagnosticInfo> _diagnostics;
    private readonly CancellationToken _cancellation;
    private readonly Dictionary<ILocalSymbol, Term> _locals = new(SymbolEqualityComparer.Default);

    /// <summary>Locals whose value could not be bound; already reported, so later reads stay silent.</summary>
    private readonly HashSet<ILocalSymbol> _failedLocals = new(SymbolEqualityComparer.Default);
    private readonly Term[] _hyperValues;

    public StepBinder(
        TermFactory factory, ParameterRoles roles, IReadOnlyList<HyperDomain> domains, List<DiagnosticInfo> diagnostics, CancellationToken cancellation)
    {
        _f = factory;
        _roles = roles;
        _domains = domains;
        _diagnostics = diagnostics;
        _cancellation = cancellation;
        Weight = _f.Leaf(Op.Weight);
        Name(Weight, roles.Weight.Name);
        Name(_f.Leaf(Op.Gradient), roles.Gradient.Name);
        if (roles.StepIndex is not null)
        {
            Name(_f.Leaf(Op.StepIndex), roles.StepIndex.Name);
        }

        States = new Term[roles.States.Count];
        for (int k = 0; k < States.Length; k++)
        {
            States[k] = _f.Leaf(Op.State, k);
            Name(States[k], roles.States[k].Name);
        }

        _hyperValues = new Term[roles.Hypers.Count];
        for (int j = 0; j < _hyperValues.Length; j++)
        {
            _hyperValues[j] = HyperValue(j);
        }
    }

    /// <summary>The current term of the weight; after <see cref="Bind"/>, the new weight.</summary>
    public Term Weight { get; private set; }

    /// <summary>The current term of each state variable; after <see cref="Bind"/>, the new state.</summary>
    public Term[] States { get; }

    /// <summary>Name hints by term id: locals, parameters and state keep the user's names in generated code.</summary>
    public Dictionary<int, string> Names { get; } = new();

    public bool HasErrors { get; private set; }

    public void Bind(IBlockOperation body)
    {
        for (int i = 0; i < body.Operations.Length; i++)
        {
            _cancellation.ThrowIfCancellationRequested();
            IOperation statement = body.Operations[i];
            if (statement is IReturnOperation { ReturnedValue: null } && i == body.Operations.Length - 1)
            {
                continue;
            }

            Statement(statement);
        }
    }

    private void Statement(IOperation statement)
    {
        switch (statement)
        {
            case IExpressionStatementOperation expression:
                Effect(expression.Operation);
                break;
            case IVariableDeclarationGroupOperation group:
                foreach (IVariableDeclarationOperation declaration in group.Declarations)
                {
                    foreach (IVariableDeclaratorOperation declarator in declaration.Declarators)
                    {
                        IVariableInitializerOperation? initializer = declarator.Initializer ?? declaration.Initializer;
                        if (initializer is null)
                        {
                            Report(DiagnosticDescriptors.UnsupportedStatement, declarator, $"a local without an initial value ('{declarator.Symbol.Name}')");
                            _failedLocals.Add(declarator.Symbol);
                            continue;
                        }

                        if (ModelBuilder.IsKeyword(declarator.Symbol.Name))
                        {
                            Report(DiagnosticDescriptors.ReservedName, declarator, declarator.Symbol.Name, "a local", ModelBuilder.KeywordReason(declarator.Symbol.Name));
                            _failedLocals.Add(declarator.Symbol);
                            continue;
                        }

                        if (!IsSupportedLocalType(declarator.Symbol.Type))
                        {
                            Report(DiagnosticDescriptors.UnsupportedStatement, declarator, $"a local of type '{declarator.Symbol.Type.ToDisplayString()}'");
                            _failedLocals.Add(declarator.Symbol);
                            continue;
                        }

                        Term? value = Expression(initializer.Value);
                        if (value is not null)
                        {
                            _locals[declarator.Symbol] = value;
                            Name(value, declarator.Symbol.Name);
                        }
                        else
                        {
                            _failedLocals.Add(declarator.Symbol);
                        }
                    }
                }

                break;
            case IEmptyOperation:
                break;
            case IBlockOperation block:
                Report(DiagnosticDescriptors.UnsupportedStatement, block, "a nested block");
                break;
            default:
                Report(DiagnosticDescriptors.UnsupportedStatement, statement, Describe(statement));
                break;
        }
    }

    private void Effect(IOperation operation)
    {
        switch (operation)
        {
            case ISimpleAssignmentOperation assignment:
            {
                Term? value = Expression(assignment.Value);
                if (value is not null)
                {
                    Assign(assignment.Target, value);
                }

                break;
            }

            case ICompoundAssignmentOperation compound:
            {
                Term? current = Expression(compound.Target);
                Term? operand = Expression(compound.Value);
                if (current is null || operand is null)
                {
                    break;
                }

                Term? value = Arithmetic(compound.OperatorKind, current, operand, compound);
                if (value is not null)
                {
                    Assign(compound.Target, value);
                }

                break;
            }

            case IIncrementOrDecrementOperation increment:
            {
                Term? current = Expression(increment.Target);
                if (current is not null)
                {
                    Assign(
                        increment.Target,
                        increment.Kind == OperationKind.Increment ? _f.Add(current, _f.One) : _f.Sub(current, _f.One));
                }

                break;
            }

            default:
                Report(DiagnosticDescriptors.UnsupportedStatement, operation, Describe(operation));
                break;
        }
    }

    private void Assign(IOperation target, Term value)
    {
        switch (target)
        {
            case ILocalReferenceOperation local:
                _locals[local.Local] = value;
                Name(value, local.Local.Name);
                return;
            case IParameterReferenceOperation parameter when _roles.ByParameter.TryGetValue(parameter.Parameter, out ParameterRole? role):
                switch (role.Role)
                {
                    case Role.Weight:
                        Weight = value;
                        return;
                    case Role.State:
                        States[role.Index] = value;
                        return;
                    default:
                        string what = role.Role switch
                        {
                            Role.Gradient => "the gradient",
                            Role.Hyper => "a hyperparameter",
                            _ => "the step index",
                        };
                        Report(DiagnosticDescriptors.ReadOnlyAssignment, target, parameter.Parameter.Name, what);
                        return;
                }

            default:
                Report(DiagnosticDescriptors.UnsupportedExpression, target, $"assigning to {Describe(target)}");
                return;
        }
    }

    private Term? Expression(IOperation operation)
    {
        _cancellation.ThrowIfCancellationRequested();
        switch (operation)
        {
            case ILiteralOperation or IFieldReferenceOperation { Field.IsConst: true } or ILocalReferenceOperation { Local.IsConst: true }
                when operation.ConstantValue.HasValue:
                return Constant(operation);
            case IParameterReferenceOperation parameter:
                return Parameter(parameter);
            case ILocalReferenceOperation local:
                if (_locals.TryGetValue(local.Local, out Term? value))
                {
                    return value;
                }

                if (_failedLocals.Contains(local.Local))
                {
                    return null;
                }

                Report(DiagnosticDescriptors.UnsupportedExpression, operation, $"the local '{local.Local.Name}' before it has a value");
                return null;
            case IBinaryOperation binary:
            {
                if (!IsArithmetic(binary.OperatorKind))
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, operation, $"the operator in {Describe(operation)}");
                    return null;
                }

                Term? left = Expression(binary.LeftOperand);
                Term? right = Expression(binary.RightOperand);
                return left is null || right is null ? null : Arithmetic(binary.OperatorKind, left, right, binary);
            }

            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus } unary:
                return Expression(unary.Operand) is { } negated ? _f.Neg(negated) : null;
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Plus } unary:
                return Expression(unary.Operand);
            case IConversionOperation conversion:
                if (!IsNumericType(conversion.Type) || IsIntegral(conversion.Type) && !IsIntegral(conversion.Operand.Type))
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, operation, $"the conversion to '{conversion.Type?.ToDisplayString()}' in {Describe(operation)}");
                    return null;
                }

                if (IsFloatingPoint(conversion.Type) && IsFloatingPoint(conversion.Operand.Type)
                    && !SymbolEqualityComparer.Default.Equals(conversion.Type, conversion.Operand.Type))
                {
                    // The step's one precision runs every operation: a value taken to the other precision and back
                    // (a double literal, Math.Exp in a float step) would be computed in a precision the user did not write.
                    Report(
                        DiagnosticDescriptors.MixedPrecisionConversion,
                        operation,
                        Describe(conversion.Operand),
                        conversion.Operand.Type!.ToDisplayString(),
                        conversion.Type!.ToDisplayString());
                    return null;
                }

                return Expression(conversion.Operand);
            case IInvocationOperation invocation:
                return Invocation(invocation);
            case IConditionalOperation conditional when conditional.WhenFalse is not null && !conditional.IsRef:
                return Conditional(conditional);
            default:
                Report(DiagnosticDescriptors.UnsupportedExpression, operation, Describe(operation));
                return null;
        }
    }

    private Term? Parameter(IParameterReferenceOperation reference)
    {
        if (!_roles.ByParameter.TryGetValue(reference.Parameter, out ParameterRole? role))
        {
            Report(DiagnosticDescriptors.UnsupportedExpression, reference, Describe(reference));
            return null;
        }

        return role.Role switch
        {
            Role.Weight => Weight,
            Role.Gradient => _f.Leaf(Op.Gradient),
            Role.State => States[role.Index],
            Role.Hyper => _hyperValues[role.Index],
            _ => _f.Leaf(Op.StepIndex),
        };
    }

    /// <summary>The value of hyperparameter j in the user's domain, as a term of its raw value.</summary>
    private Term HyperValue(int j)
    {
        Term raw = _f.Leaf(Op.Hyper, j);
        string name = _roles.Hypers[j].Name;
        Term value = _domains[j] switch
        {
            // As HyperDomains.FromRaw computes them at run time: (tanh(r) + 1) / 2 and r * r.
            HyperDomain.UnitInterval => _f.Mul(_f.Const(0.5), _f.Add(_f.Call(Func.Tanh, raw), _f.One)),
            HyperDomain.Squared => _f.Mul(raw, raw),
            _ => raw,
        };
        if (value != raw)
        {
            Name(raw, name + "Raw");
        }

        Name(value, name);
        return value;
    }

    private Term? Invocation(IInvocationOperation invocation)
    {
        IMethodSymbol method = invocation.TargetMethod;
        string container = method.ContainingType?.ToDisplayString() ?? "";
        bool isMath = container is "System.MathF" or "System.Math";
        if (!isMath
            || !Primitives.TryGet(method.Name, out Primitive info)
            || method.Parameters.Length != info.Arity
            || !IsFloatingPoint(method.ReturnType))
        {
            Report(
                DiagnosticDescriptors.UnsupportedCall,
                invocation,
                $"{(method.ContainingType is null ? "" : method.ContainingType.Name + ".")}{method.Name}",
                Primitives.SupportedNames);
            return null;
        }

        var args = new Term[info.Arity];
        bool ok = true;
        for (int i = 0; i < args.Length; i++)
        {
            Term? arg = Expression(invocation.Arguments[i].Value);
            ok &= arg is not null;
            args[i] = arg!;
        }

        return ok ? _f.Call(info.Func, args) : null;
    }

    private Term? Conditional(IConditionalOperation conditional)
    {
        if (conditional.Condition is not IBinaryOperation comparison || !TryComparison(comparison.OperatorKind, out Cmp cmp))
        {
            Report(DiagnosticDescriptors.UnsupportedExpression, conditional.Condition, $"the condition {Describe(conditional.Condition)} (a ?: condition must be one comparison: <, <=, >, >=, == or !=)");
            return null;
        }

        Term? left = Expression(comparison.LeftOperand);
        Term? right = Expression(comparison.RightOperand);
        Term? whenTrue = Expression(conditional.WhenTrue);
        Term? whenFalse = Expression(conditional.WhenFalse!);
        if (left is null || right is null || whenTrue is null || whenFalse is null)
        {
            return null;
        }

        return _f.Select(cmp, left, right, whenTrue, whenFalse);
    }

    private Term? Arithmetic(BinaryOperatorKind kind, Term left, Term right, IOperation at)
    {
        if (kind is BinaryOperatorKind.Divide && at is IBinaryOperation { Type: { } type } && IsIntegral(type))
        {
            Report(DiagnosticDescriptors.UnsupportedExpression, at, $"integer division in {Describe(at)}");
            return null;
        }

        switch (kind)
        {
            case BinaryOperatorKind.Add:
                return _f.Add(left, right);
            case BinaryOperatorKind.Subtract:
                return _f.Sub(left, right);
            case BinaryOperatorKind.Multiply:
                return _f.Mul(left, right);
            case BinaryOperatorKind.Divide:
                return _f.Div(left, right);
            default:
                Report(DiagnosticDescriptors.UnsupportedExpression, at, $"the operator in {Describe(at)}");
                return null;
        }
    }

    private Term? Constant(IOperation operation)
    {
        object? value = operation.ConstantValue.Value;
        double? number = ConstantValues.ToDouble(value);
        if (number is null)
        {
            Report(DiagnosticDescriptors.UnsupportedExpression, operation, $"the constant {Describe(operation)}");
            return null;
        }

        return _f.Const(number.Value);
    }

    private void Name(Term term, string name)
    {
        if (term.Op != Op.Const && !Names.ContainsKey(term.Id))
        {
            Names[term.Id] = name;
        }
    }

    private void Report(DiagnosticDescriptor descriptor, IOperation at, params string[] arguments)
    {
        HasErrors |= descriptor.DefaultSeverity == DiagnosticSeverity.Error;
        _diagnostics.Add(DiagnosticInfo.Create(descriptor, LocationInfo.From(at.Syntax), arguments));
    }

    private static string Describe(IOperation operation)
    {
        // Quote the first line only: a loop's whole body would make an unreadable one-line diagnostic.
        string text = operation.Syntax.ToString();
        int lineBreak = text.IndexOfAny(new[] { '\r', '\n' });
        if (lineBreak >= 0)
        {
            text = text.Substring(0, lineBreak).TrimEnd() + " ...";
        }

        if (text.Length > 60)
        {
            text = text.Substring(0, 57) + "...";
        }

        string kind = operation switch
        {
            ILoopOperation => "a loop",
            IConditionalOperation => "an if statement",
            IArrayElementReferenceOperation => "an array access",
            IFieldReferenceOperation => "a field access",
            IPropertyReferenceOperation => "a property access",
            IObjectCreationOperation => "an object creation",
            IReturnOperation => "a return before the end",
            IThrowOperation => "a throw",
            ISwitchOperation => "a switch",
            ITryOperation => "a try statement",
            IUsingOperation => "a using statement",
            ILocalFunctionOperation => "a local function",
            IAnonymousFunctionOperation => "a lambda",
            _ => "the " + operation.Kind.ToString().ToLowerInvariant(),
        };
        return $"{kind} '{text}'";
    }

    private static bool IsArithmetic(BinaryOperatorKind kind) =>
        kind is BinaryOperatorKind.Add or BinaryOperatorKind.Subtract or BinaryOperatorKind.Multiply or BinaryOperatorKind.Divide;

    private static bool TryComparison(BinaryOperatorKind kind, out Cmp cmp)
    {
        cmp = kind switch
        {
            BinaryOperatorKind.LessThan => Cmp.Lt,
            BinaryOperatorKind.LessThanOrEqual => Cmp.Le,
            BinaryOperatorKind.GreaterThan => Cmp.Gt,
            BinaryOperatorKind.GreaterThanOrEqual => Cmp.Ge,
            BinaryOperatorKind.Equals => Cmp.Eq,
            BinaryOperatorKind.NotEquals => Cmp.Ne,
            _ => (Cmp)(-1),
        };
        return (int)cmp >= 0;
    }

    private static bool IsSupportedLocalType(ITypeSymbol type) => IsFloatingPoint(type) || type.SpecialType == SpecialType.System_Int32;

    internal static bool IsFloatingPoint(ITypeSymbol? type) =>
        type?.SpecialType is SpecialType.System_Single or SpecialType.System_Double;

    private static bool IsIntegral(ITypeSymbol? type) =>
        type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Int16
            or SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_UInt16
            or SpecialType.System_UInt32 or SpecialType.System_UInt64;

    private static bool IsNumericType(ITypeSymbol? type) => IsFloatingPoint(type) || IsIntegral(type);
}

/// <summary>Reads numeric constants the way the user wrote them.</summary>
internal static class ConstantValues
{
    /// <summary>
    /// Converts a constant to double. A float constant goes through its shortest round-trip text, so that 0.1f
    /// becomes 0.1 (what the user wrote) in the double-precision twin rather than 0.10000000149011612.
    /// </summary>
    public static double? ToDouble(object? value) => value switch
    {
        float f => double.Parse(f.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
        double d => d,
        int i => i,
        long l => l,
        short s => s,
        byte b => b,
        _ => null,
    };
}
