using System;
using System.Collections.Concurrent;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace HyperGen.Cli.Commands.Train;

/// <summary>
/// The last column of the live progress: each task's status text, cut with an ellipsis on a narrow terminal rather
/// than wrapped (a wrapped line would push the bar out of its row). Set from the training thread, read by Spectre's
/// refresh thread.
/// </summary>
internal sealed class StatusColumn : ProgressColumn
{
    private readonly ConcurrentDictionary<int, string> _statusByTask = new();

    /// <inheritdoc/>
    protected override bool NoWrap => true;

    /// <summary>Sets the status text that <paramref name="task"/>'s row shows.</summary>
    public void Set(ProgressTask task, string status) => _statusByTask[task.Id] = status;

    /// <inheritdoc/>
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        new Text(_statusByTask.TryGetValue(task.Id, out string? status) ? status : "").Overflow(Overflow.Ellipsis);
}
