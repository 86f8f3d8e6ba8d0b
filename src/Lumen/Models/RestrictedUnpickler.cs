using System.Buffers.Binary;
using System.Text;

namespace Lumen.Models;

/// <summary>
/// A Python pickle reader that only builds what a PyTorch state_dict needs — numbers, strings, tuples, lists,
/// dicts, <c>collections.OrderedDict</c>, tensors rebuilt by <c>torch._utils._rebuild_tensor_v2</c> /
/// <c>_rebuild_parameter</c> over <c>torch.*Storage</c> — and refuses every other global or opcode, as
/// <c>torch.load(weights_only=True)</c> does. Nothing from the file is ever executed; every length is checked
/// against the bytes that remain, and the values, container items, memo entries, stack and work are bounded by
/// <see cref="PickleLimits"/>, so a hostile file can neither exhaust memory nor run for long.
/// </summary>
internal sealed class RestrictedUnpickler
{
    private const int MaxGlobalNameLength = 256;

    private static readonly HashSet<string> StorageTypes = new(StringComparer.Ordinal)
    {
        "DoubleStorage", "FloatStorage", "HalfStorage", "BFloat16Storage", "LongStorage", "IntStorage",
        "ShortStorage", "CharStorage", "ByteStorage", "BoolStorage",
    };

    private readonly byte[] data;
    private readonly string name;
    private readonly Func<object?, object> persistentLoad;
    private readonly List<object?> stack = [];
    private readonly List<int> marks = [];
    private readonly Dictionary<long, object?> memo = [];
    private int position;
    private long values;
    private long items;
    private long work;

    private RestrictedUnpickler(byte[] data, string name, Func<object?, object> persistentLoad)
    {
        this.data = data;
        this.name = name;
        this.persistentLoad = persistentLoad;
    }

    /// <summary>A global the reader allows, such as <c>torch.FloatStorage</c> or <c>collections.OrderedDict</c>.</summary>
    internal sealed record Global(string Module, string Name)
    {
        /// <summary>The dotted name, as Python prints it.</summary>
        public override string ToString() => $"{Module}.{Name}";
    }

    /// <summary>A tensor as <c>_rebuild_tensor_v2</c> describes it: a view of a storage.</summary>
    internal sealed record TensorView(object Storage, long Offset, long[] Size, long[] Stride);

    /// <summary>A Python dict or OrderedDict; keys are strings, integers or booleans.</summary>
    internal sealed class Dict : Dictionary<object, object?>;

    /// <summary>Reads one pickle.</summary>
    /// <param name="data">The pickle's bytes.</param>
    /// <param name="name">How the file is named in error messages.</param>
    /// <param name="persistentLoad">Turns a persistent id (a tuple) into an object, such as a storage.</param>
    /// <exception cref="LumenException">The pickle is malformed or uses something beyond a state_dict (kind Model).</exception>
    public static object? Load(byte[] data, string name, Func<object?, object> persistentLoad) =>
        new RestrictedUnpickler(data, name, persistentLoad).Run();

    private object? Run()
    {
        while (true)
        {
            byte opcode = ReadByte();
            Charge(1);
            switch (opcode)
            {
                case 0x80: // PROTO
                    int protocol = ReadByte();
                    if (protocol > 5) throw Invalid($"pickle protocol {protocol} is unknown");
                    break;
                case 0x95: // FRAME
                    ReadBytes(8);
                    break;
                case (byte)'.': // STOP
                    if (stack.Count != 1 || marks.Count != 0) throw Invalid("the pickle stops with a malformed stack");
                    return stack[0];
                case (byte)'(': Mark(); break;
                case (byte)'0': Pop(); break;
                case (byte)'1': PopMark(); break;
                case (byte)'2': PushReference(Peek()); break;
                case (byte)'N': Push(null); break;
                case 0x88: Push(true); break;
                case 0x89: Push(false); break;
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break;
                case (byte)'K': Push((long)ReadByte()); break;
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break;
                case 0x8a: Push(ReadLong(ReadByte())); break; // LONG1
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break;
                case (byte)'X': Push(ReadUtf8(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))); break;
                case 0x8c: Push(ReadUtf8(ReadByte())); break;
                case 0x8d: Push(ReadUtf8(BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8)))); break;
                case (byte)'U': Push(Encoding.Latin1.GetString(ReadBytes(ReadByte()))); break;
                case (byte)'T': Push(Encoding.Latin1.GetString(ReadBytes(Length(BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4)))))); break;
                case (byte)'C': Push(ReadBytes(ReadByte()).ToArray()); break;
                case (byte)'B': Push(ReadBytes(Length(BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4)))).ToArray()); break;
                case (byte)']': Push(new List<object?>()); break;
                case (byte)')': Push(Array.Empty<object?>()); break;
                case (byte)'}': Push(new Dict()); break;
                case (byte)'t': Push(PlacedAll(PopMark()).ToArray()); break;
                case 0x85: Push(PlacedAll(new[] { Pop() })); break;
                case 0x86: { var b = Pop(); var a = Pop(); Push(PlacedAll(new[] { a, b })); break; }
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(PlacedAll(new[] { a, b, c })); break; }
                case (byte)'l': Push(PlacedAll(PopMark())); break;
                case (byte)'d': { var items = PopMark(); var dict = new Dict(); SetItems(dict, items); Push(dict); break; }
                case (byte)'a': { var item = Pop(); ListOnTop().Add(PlacedOne(item)); break; }
                case (byte)'e': { var items = PopMark(); ListOnTop().AddRange(PlacedAll(items)); break; }
                case (byte)'s': { var value = Pop(); var key = Pop(); SetItems(DictOnTop(), [key, value]); break; }
                case (byte)'u': { var items = PopMark(); SetItems(DictOnTop(), items); break; }
                case (byte)'q': Memoize(ReadByte()); break;
                case (byte)'r': Memoize(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))); break;
                case 0x94: Memoize(memo.Count); break;
                case (byte)'h': PushReference(Recall(ReadByte())); break;
                case (byte)'j': PushReference(Recall(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))); break;
                case (byte)'c': Push(Allowed(ReadLine(), ReadLine())); break;
                case 0x93: { var global = Pop(); var module = Pop(); Push(Allowed(module as string, global as string)); break; }
                case (byte)'R': { var args = Pop(); var callable = Pop(); Push(Call(callable, args)); break; }
                case (byte)'b': { var state = Pop(); Build(Peek(), state); break; }
                case (byte)'Q': Push(persistentLoad(Pop())); break;
                default:
                    throw Invalid($"opcode 0x{opcode:X2} at byte {position - 1} is not allowed in a weights file (only tensors and dicts are read, as torch.load(weights_only=True) does)");
            }
        }
    }

    private object Allowed(string? module, string? global)
    {
        if (module is null || global is null) throw Invalid("a global's name is not a string");
        bool allowed = (module, global) switch
        {
            ("collections", "OrderedDict") => true,
            ("torch._utils", "_rebuild_tensor_v2" or "_rebuild_parameter") => true,
            ("torch", var storage) when StorageTypes.Contains(storage) => true,
            _ => false,
        };
        if (!allowed)
        {
            string shown = $"{module}.{global}".ReplaceLineEndings(" ");
            if (shown.Length > 80) shown = shown[..80] + "...";
            throw Invalid($"it asks for the Python global '{shown}', which a plain state_dict never needs, so it was refused (as torch.load(weights_only=True) does); save only model.state_dict()");
        }

        return new Global(module, global);
    }

    private object? Call(object? callable, object? args)
    {
        if (callable is not Global global) throw Invalid("it calls something that is not an allowed global");
        if (args is not object?[] arguments) throw Invalid($"{global} is called without an argument tuple");
        switch (global.Name)
        {
            case "OrderedDict":
                return OrderedDict(arguments);
            case "_rebuild_tensor_v2":
                return RebuildTensor(arguments);
            case "_rebuild_parameter":
                if (arguments.Length is < 2 or > 3 || arguments[0] is not TensorView parameter) throw Invalid("torch._utils._rebuild_parameter has malformed arguments");
                return parameter;
            default:
                throw Invalid($"{global} cannot be called");
        }
    }

    /// <summary><c>OrderedDict()</c> or <c>OrderedDict(pairs)</c> with a list or tuple of (key, value) pairs.</summary>
    private Dict OrderedDict(object?[] args)
    {
        var dict = new Dict();
        if (args.Length == 0) return dict;
        IReadOnlyList<object?> pairs = args is [List<object?> list] ? list : args is [object?[] tuple] ? tuple : throw Invalid("collections.OrderedDict is called with arguments that are not a list of pairs");
        Charge(pairs.Count);
        foreach (var pair in pairs)
        {
            if (pair is not object?[] { Length: 2 } keyValue) throw Invalid("collections.OrderedDict is given an item that is not a (key, value) pair");
            SetItems(dict, [keyValue[0], keyValue[1]]);
        }

        return dict;
    }

    private TensorView RebuildTensor(object?[] args)
    {
        if (args.Length is < 6 or > 7) throw Invalid($"_rebuild_tensor_v2 takes 6 or 7 arguments, not {args.Length}");
        if (args[0] is null or Global or string or long or bool or double) throw Invalid("_rebuild_tensor_v2's storage is not a storage");
        if (args[1] is not long offset || offset < 0) throw Invalid("_rebuild_tensor_v2's storage offset is not a non-negative integer");
        var size = Integers(args[2], "size");
        var stride = Integers(args[3], "stride");
        if (size.Length != stride.Length) throw Invalid($"_rebuild_tensor_v2 has {size.Length} sizes but {stride.Length} strides");
        if (args[4] is not bool) throw Invalid("_rebuild_tensor_v2's requires_grad is not a boolean");
        if (args[5] is not Dict { Count: 0 }) throw Invalid("the tensor has backward hooks, which a state_dict never holds");
        return new TensorView(args[0]!, offset, size, stride);
    }

    private long[] Integers(object? value, string what)
    {
        if (value is not object?[] items || items.Length > 32) throw Invalid($"_rebuild_tensor_v2's {what} is not a tuple of at most 32 integers");
        var result = new long[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            if (items[i] is not long number || number < 0) throw Invalid($"_rebuild_tensor_v2's {what} holds a value that is not a non-negative integer");
            result[i] = number;
        }

        return result;
    }

    private void Build(object? target, object? state)
    {
        // An OrderedDict's instance attributes (the state_dict's _metadata) arrive as a dict; they are not needed.
        if (target is Dict && state is Dict or null) return;
        throw Invalid("it sets the state of an object that is not a dict");
    }

    private void SetItems(Dict dict, List<object?> items)
    {
        if (items.Count % 2 != 0) throw Invalid("a dict is given an odd number of keys and values");
        CountPlaced(items.Count / 2);
        for (int i = 0; i < items.Count; i += 2)
        {
            var key = items[i];
            if (key is not (string or long or bool)) throw Invalid("a dict key is not a string or an integer");
            dict[key] = items[i + 1];
        }
    }

    /// <summary>Pushes a value the pickle creates: it counts against <see cref="PickleLimits.MaxValues"/>.</summary>
    private void Push(object? value)
    {
        if (++values > PickleLimits.MaxValues)
            throw OverBudget($"it creates more than {PickleLimits.MaxValues:N0} values (the limit PickleLimits.MaxValues)");
        PushReference(value);
    }

    /// <summary>Pushes a value that already exists (DUP, GET): it only takes a place on the stack.</summary>
    private void PushReference(object? value)
    {
        if (stack.Count + marks.Count >= PickleLimits.MaxStack)
            throw OverBudget($"its stack grows beyond {PickleLimits.MaxStack:N0} entries (the limit PickleLimits.MaxStack)");
        stack.Add(value);
    }

    private void Mark()
    {
        if (++values > PickleLimits.MaxValues)
            throw OverBudget($"it creates more than {PickleLimits.MaxValues:N0} values (the limit PickleLimits.MaxValues)");
        if (stack.Count + marks.Count >= PickleLimits.MaxStack)
            throw OverBudget($"its stack grows beyond {PickleLimits.MaxStack:N0} entries (the limit PickleLimits.MaxStack)");
        marks.Add(stack.Count);
    }

    private void Memoize(long key)
    {
        if (memo.Count >= PickleLimits.MaxMemo && !memo.ContainsKey(key))
            throw OverBudget($"it stores more than {PickleLimits.MaxMemo:N0} memo entries (the limit PickleLimits.MaxMemo)");
        memo[key] = Peek();
    }

    /// <summary>Counts <paramref name="count"/> items placed into a container, as items and as work.</summary>
    private void CountPlaced(long count)
    {
        Charge(count);
        items += count;
        if (items > PickleLimits.MaxItems)
            throw OverBudget($"it places more than {PickleLimits.MaxItems:N0} items into tuples, lists and dicts (the limit PickleLimits.MaxItems)");
    }

    private T PlacedAll<T>(T container) where T : System.Collections.ICollection
    {
        CountPlaced(container.Count);
        return container;
    }

    private object? PlacedOne(object? item)
    {
        CountPlaced(1);
        return item;
    }

    /// <summary>Counts <paramref name="steps"/> steps of work against <see cref="PickleLimits.MaxWork"/>.</summary>
    private void Charge(long steps)
    {
        work += steps;
        if (work > PickleLimits.MaxWork)
            throw OverBudget($"reading it takes more than {PickleLimits.MaxWork:N0} steps (the limit PickleLimits.MaxWork; a state_dict needs about 50 per tensor)");
    }

    private List<object?> ListOnTop() => Peek() as List<object?> ?? throw Invalid("it appends to something that is not a list");

    private Dict DictOnTop() => Peek() as Dict ?? throw Invalid("it sets an item of something that is not a dict");

    private object? Recall(long key) =>
        memo.TryGetValue(key, out var value) ? value : throw Invalid($"it refers to memo entry {key}, which was never stored");

    private object? Pop()
    {
        int floor = marks.Count > 0 ? marks[^1] : 0;
        if (stack.Count <= floor) throw Invalid("it pops from an empty stack");
        var value = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    private object? Peek()
    {
        int floor = marks.Count > 0 ? marks[^1] : 0;
        if (stack.Count <= floor) throw Invalid("it reads from an empty stack");
        return stack[^1];
    }

    private List<object?> PopMark()
    {
        if (marks.Count == 0) throw Invalid("it closes a mark that was never opened");
        int mark = marks[^1];
        marks.RemoveAt(marks.Count - 1);
        Charge(stack.Count - mark);
        var items = stack.GetRange(mark, stack.Count - mark);
        stack.RemoveRange(mark, stack.Count - mark);
        return items;
    }

    private long ReadLong(int length)
    {
        if (length > 8) throw Invalid($"an integer of {length} bytes is too large for a weights file");
        var bytes = ReadBytes(length);
        long value = 0;
        for (int i = length - 1; i >= 0; i--) value = (value << 8) | bytes[i];
        if (length is > 0 and < 8 && (bytes[length - 1] & 0x80) != 0) value -= 1L << (8 * length);
        return value;
    }

    private string ReadLine()
    {
        int end = Array.IndexOf(data, (byte)'\n', position, Math.Min(MaxGlobalNameLength, data.Length - position));
        if (end < 0) throw Invalid("a global's name is not terminated by a newline");
        string text = Encoding.ASCII.GetString(data, position, end - position);
        position = end + 1;
        return text;
    }

    private string ReadUtf8(ulong length)
    {
        var bytes = ReadBytes(Length(length));
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Invalid("a string is not valid UTF-8");
        }
    }

    private int Length(long length)
    {
        if (length < 0 || length > data.Length - position) throw Invalid($"a value claims {length} bytes but only {data.Length - position} remain");
        return (int)length;
    }

    private int Length(ulong length) => length > int.MaxValue ? Length(-1L) : Length((long)length);

    private byte ReadByte()
    {
        if (position >= data.Length) throw Invalid("the pickle ends before its STOP opcode (truncated)");
        return data[position++];
    }

    private ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count > data.Length - position) throw Invalid("the pickle ends in the middle of a value (truncated)");
        var span = data.AsSpan(position, count);
        position += count;
        return span;
    }

    private LumenException OverBudget(string problem) =>
        LumenException.Model($"weights file {name} is refused: {problem}, far beyond what a state_dict needs, so it is malformed or hostile; save only model.state_dict() with torch.save, or use a .safetensors file.");

    private LumenException Invalid(string problem) =>
        LumenException.Model($"weights file {name} is not a readable PyTorch state_dict: {problem}.");
}
