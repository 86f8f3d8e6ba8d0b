namespace Lumen.Attributions;

/// <summary>One setting of an attribution method, as <c>lumen methods --verbose</c> lists it.</summary>
/// <param name="Name">The name given to <c>--param name=value</c>.</param>
/// <param name="Default">The default value, as text (for a required setting, the form of its value).</param>
/// <param name="Description">What the setting changes.</param>
/// <param name="Required">Whether the method cannot run without it (it has no default).</param>
public sealed record MethodSetting(string Name, string Default, string Description, bool Required = false);
