namespace Lumen.Reporting;

/// <summary>A titled part of a report: a sequence of blocks.</summary>
public sealed class ReportSection
{
    private readonly List<IReportBlock> blocks = [];

    internal ReportSection(string title) => Title = title;

    /// <summary>The section's heading.</summary>
    public string Title { get; }

    /// <summary>The blocks, in order.</summary>
    public IReadOnlyList<IReportBlock> Blocks => blocks;

    /// <summary>Appends a block; returns this section for chaining.</summary>
    public ReportSection Add(IReportBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        blocks.Add(block);
        return this;
    }

    /// <summary>Appends a paragraph of text.</summary>
    public ReportSection Paragraph(string text) => Add(new ParagraphBlock(text));
}
