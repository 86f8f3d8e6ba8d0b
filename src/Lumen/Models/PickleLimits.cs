namespace Lumen.Models;

/// <summary>
/// The budgets a weights pickle (<c>data.pkl</c> of a <c>torch.save</c> file) is read under. A real state_dict needs a
/// few dozen values and a few dozen steps per tensor (ResNet-50: 320 tensors; ViT-L/16: 392), so each limit is
/// thousands of times what real files need while bounding a hostile file to well under 1 GB and a second of work.
/// They are not options: a file that reaches one is malformed or hostile.
/// </summary>
internal static class PickleLimits
{
    /// <summary>
    /// The most values (numbers, strings, tuples, lists, dicts, globals, tensors, marks) one pickle may create:
    /// 1,000,000, about 100 MB of objects at most. A state_dict creates about 20 per tensor.
    /// </summary>
    public const long MaxValues = 1_000_000;

    /// <summary>
    /// The most items one pickle may place into tuples, lists and dicts, counted every time one is placed
    /// (4,000,000, about 100 MB of references and entries). A state_dict places about 10 per tensor.
    /// </summary>
    public const long MaxItems = 4_000_000;

    /// <summary>
    /// The most work one pickle may cost: one step per opcode plus one per item that an opcode or a call reads, copies
    /// or iterates (APPENDS, SETITEMS, tuple building, <c>OrderedDict(pairs)</c>, tensor rebuilds): 20,000,000 steps,
    /// well under a second. A state_dict costs about 50 per tensor.
    /// </summary>
    public const long MaxWork = 20_000_000;

    /// <summary>The most memo entries (PUT/MEMOIZE) one pickle may store: 1,000,000. A state_dict stores about 10 per tensor.</summary>
    public const int MaxMemo = 1_000_000;

    /// <summary>The most values and marks on the pickle's stack at once: 1,000,000 (8 MB). A state_dict's stack holds about 2,000 (pickle batches of 1,000 items).</summary>
    public const int MaxStack = 1_000_000;

    /// <summary>
    /// The most elements the tensors of one file may hold beyond the elements of the storages they view: 16,777,216
    /// (64 MB of float32). A view whose strides repeat elements (a stride of 0, overlapping rows) is copied when loaded,
    /// so a one-element storage viewed as [20000, 20000] would otherwise become 1.6 GB; real state_dicts view each
    /// storage element at most once.
    /// </summary>
    public const long MaxRepeatedElements = 1L << 24;
}
