using System.Globalization;
using System.Text;

namespace Lumen.Imaging;

/// <summary>The parsed dictionary of a NumPy .npy header: dtype, memory order and shape.</summary>
internal sealed record NpyHeader(string Descr, bool FortranOrder, long[] Shape)
{
    /// <summary>
    /// Parses the Python dict literal NumPy writes, for example
    /// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (4, 1, 28, 28), }</c>.
    /// Returns null and a reason when the text is not such a dict.
    /// </summary>
    public static NpyHeader? TryParse(string text, out string problem)
    {
        var parser = new Parser(text);
        try
        {
            var entries = parser.ParseDict();
            problem = "";
            var keys = MessageText.Clip(string.Join(", ", entries.Keys.Order(StringComparer.Ordinal)));
            if (entries.Count != 3 || !entries.ContainsKey("descr") || !entries.ContainsKey("fortran_order") || !entries.ContainsKey("shape"))
            {
                problem = $"the header must have exactly the keys descr, fortran_order and shape, but has {keys}";
                return null;
            }

            if (entries["descr"] is not string descr)
            {
                problem = "the header's descr is not a simple dtype string (structured arrays are not supported)";
                return null;
            }

            if (entries["fortran_order"] is not bool fortran)
            {
                problem = "the header's fortran_order is not True or False";
                return null;
            }

            if (entries["shape"] is not long[] shape)
            {
                problem = "the header's shape is not a tuple of integers";
                return null;
            }

            return new NpyHeader(descr, fortran, shape);
        }
        catch (FormatException e)
        {
            problem = $"the header is not a valid dict literal ({e.Message})";
            return null;
        }
    }

    /// <summary>Formats the header dict the way NumPy does.</summary>
    public string Format()
    {
        var dims = Shape.Length == 1
            ? $"{Shape[0]},"
            : string.Join(", ", Shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
        return $"{{'descr': '{Descr}', 'fortran_order': {(FortranOrder ? "True" : "False")}, 'shape': ({dims}), }}";
    }

    private sealed class Parser(string text)
    {
        private int _pos;

        public Dictionary<string, object> ParseDict()
        {
            var result = new Dictionary<string, object>(StringComparer.Ordinal);
            Expect('{');
            while (true)
            {
                SkipSpace();
                if (Peek() == '}')
                {
                    _pos++;
                    break;
                }

                var key = ParseString();
                Expect(':');
                var value = ParseValue();
                if (!result.TryAdd(key, value))
                {
                    throw new FormatException($"key '{MessageText.Clip(key)}' appears twice");
                }

                SkipSpace();
                if (Peek() == ',')
                {
                    _pos++;
                    continue;
                }

                Expect('}');
                break;
            }

            SkipSpace();
            if (_pos != text.Length)
            {
                throw new FormatException($"unexpected text after the closing brace at position {_pos}");
            }

            return result;
        }

        private object ParseValue()
        {
            SkipSpace();
            var c = Peek();
            if (c is '\'' or '"')
            {
                return ParseString();
            }

            if (c == '(')
            {
                return ParseTuple();
            }

            if (c == '[')
            {
                throw new FormatException("a list value (structured dtype) is not supported");
            }

            if (Matches("True"))
            {
                return true;
            }

            if (Matches("False"))
            {
                return false;
            }

            throw new FormatException($"unexpected character '{c}' at position {_pos}");
        }

        private long[] ParseTuple()
        {
            Expect('(');
            var items = new List<long>();
            while (true)
            {
                SkipSpace();
                if (Peek() == ')')
                {
                    _pos++;
                    return [.. items];
                }

                items.Add(ParseInteger());
                SkipSpace();
                if (Peek() == ',')
                {
                    _pos++;
                    continue;
                }

                Expect(')');
                return [.. items];
            }
        }

        private long ParseInteger()
        {
            SkipSpace();
            var start = _pos;
            while (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
            {
                _pos++;
            }

            if (_pos == start)
            {
                throw new FormatException($"expected a non-negative integer at position {start}");
            }

            if (!long.TryParse(text.AsSpan(start, _pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                throw new FormatException($"integer at position {start} is too large");
            }

            if (_pos < text.Length && text[_pos] is 'L' or 'l')
            {
                _pos++; // Python 2 long suffix, written by old NumPy versions.
            }

            return value;
        }

        private string ParseString()
        {
            SkipSpace();
            var quote = Peek();
            if (quote is not ('\'' or '"'))
            {
                throw new FormatException($"expected a quoted string at position {_pos}");
            }

            _pos++;
            var sb = new StringBuilder();
            while (_pos < text.Length && text[_pos] != quote)
            {
                if (text[_pos] == '\\')
                {
                    throw new FormatException("escape sequences in header strings are not supported");
                }

                sb.Append(text[_pos++]);
            }

            if (_pos >= text.Length)
            {
                throw new FormatException("unterminated string");
            }

            _pos++;
            return sb.ToString();
        }

        private bool Matches(string word)
        {
            if (string.CompareOrdinal(text, _pos, word, 0, word.Length) == 0)
            {
                _pos += word.Length;
                return true;
            }

            return false;
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (Peek() != c)
            {
                throw new FormatException($"expected '{c}' at position {_pos}");
            }

            _pos++;
        }

        private char Peek() => _pos < text.Length ? text[_pos] : '\0';

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }
        }
    }
}
