namespace HyperGen.Tests.Docs;

/// <summary>How a documentation code block is checked, from the <c>&lt;!-- snippet: ... --&gt;</c> line above it.</summary>
internal enum SnippetKind
{
    /// <summary>No marker: a file of the page's program (type declarations, or top-level statements).</summary>
    File,

    /// <summary><c>fragment(parameters)</c>: statements, compiled as the body of a method with those parameters.</summary>
    Fragment,

    /// <summary><c>error HGxxxx</c>: compiled alone; the generator must report that diagnostic.</summary>
    Error,

    /// <summary><c>generated Name</c>: an excerpt of the code generated for built-in optimizer Name, line for line.</summary>
    Generated,
}

/// <summary>One ```csharp block of a Markdown page.</summary>
/// <param name="Document">The page, relative to the repository root, with '/' separators.</param>
/// <param name="Line">The 1-based line of the block's first code line in the page.</param>
/// <param name="Kind">How it is checked.</param>
/// <param name="Argument">The marker's argument: the fragment's parameter list, the diagnostic id or the optimizer.</param>
/// <param name="Code">The code between the fences.</param>
internal sealed record MarkdownSnippet(string Document, int Line, SnippetKind Kind, string Argument, string Code)
{
    /// <summary>Where the block is, for messages: <c>docs/towers.md:42</c>.</summary>
    public string Location => $"{Document}:{Line}";

    public override string ToString() => Location;
}
