using Lumen.Models;

namespace Lumen.Attributions;

/// <summary>An attribution method as the catalog knows it: name, one-line summary, settings and how to build it.</summary>
/// <param name="Name">The command-line name, lower-case kebab-case.</param>
/// <param name="Family">The family: gradient, cam, relevance or perturbation.</param>
/// <param name="Summary">One line for <c>lumen methods</c>.</param>
/// <param name="NeedsLayer">Whether the method needs <c>--layer</c>.</param>
/// <param name="Settings">Every setting with its default.</param>
/// <param name="Create">Builds the method for a model and options.</param>
/// <param name="UsesLayer">
/// Whether the method reads <c>--layer</c> without needing it: a CAM method given none uses the last spatial layer
/// (<see cref="Cam.CamLayerChoice"/>).
/// </param>
public sealed record MethodDescriptor(
    string Name,
    string Family,
    string Summary,
    bool NeedsLayer,
    IReadOnlyList<MethodSetting> Settings,
    Func<ExplainableModel, MethodOptions, IAttributionMethod> Create,
    bool UsesLayer = false)
{
    /// <summary>Builds the method after checking that every given setting is one this method has.</summary>
    public IAttributionMethod Build(ExplainableModel model, MethodOptions options)
    {
        foreach (string given in options.Parameters.Keys)
        {
            if (Settings.All(setting => setting.Name != given))
            {
                string known = Settings.Count == 0 ? "it has no settings" : "its settings: " + string.Join(", ", Settings.Select(s => s.Name));
                throw LumenException.Usage($"method '{Name}' has no setting '{given}'; {known}");
            }
        }
        foreach (MethodSetting setting in Settings.Where(setting => setting.Required && !options.Parameters.ContainsKey(setting.Name)))
            throw LumenException.Usage($"method '{Name}' needs --param {setting.Name}={setting.Default} ({setting.Description})");
        return Create(model, options);
    }
}
