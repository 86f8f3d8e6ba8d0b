namespace Lumen.Attributions;

/// <summary>One setting of an attribution method, as <c>lumen methods --verbose</c> lists it.</summary>
/// <param name="Name">The name given to <c>--param name=value</c>.</param>
/// <param name="Default">The default value, as text.</param>
/// <param name="Description">What the setting changes.</param>
public sealed record MethodSetting(string Name, string Default, string Description);
