using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TorchSharpCnn;

/// <summary>LeNet-5 for 28x28 images: two 5x5 convolutions with max pooling, then three fully connected layers (61,706 parameters).</summary>
internal sealed class LeNet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _conv1 = nn.Conv2d(1, 6, 5, padding: 2);
    private readonly Conv2d _conv2 = nn.Conv2d(6, 16, 5);
    private readonly Linear _fc1 = nn.Linear(16 * 5 * 5, 120);
    private readonly Linear _fc2 = nn.Linear(120, 84);
    private readonly Linear _fc3 = nn.Linear(84, 10);

    public LeNet()
        : base(nameof(LeNet))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = nn.functional.max_pool2d(nn.functional.relu(_conv1.forward(input)), 2);
        x = nn.functional.max_pool2d(nn.functional.relu(_conv2.forward(x)), 2);
        x = x.flatten(1);
        x = nn.functional.relu(_fc1.forward(x));
        x = nn.functional.relu(_fc2.forward(x));
        return _fc3.forward(x).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _conv1.Dispose();
            _conv2.Dispose();
            _fc1.Dispose();
            _fc2.Dispose();
            _fc3.Dispose();
        }

        base.Dispose(disposing);
    }
}
