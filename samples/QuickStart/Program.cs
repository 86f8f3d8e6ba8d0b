// Loads the reference Fashion-MNIST CNN, explains two images with Grad-CAM and absolute gradients, saves overlays.
// Run: dotnet run --project samples/QuickStart [-- OUTPUT_FOLDER]
using Lumen.Attributions;
using Lumen.Attributions.Cam;
using Lumen.Attributions.Gradients;
using Lumen.Imaging;
using Lumen.Models;

string outFolder = args.Length > 0 ? args[0] : "quickstart-out";
Directory.CreateDirectory(outFolder);
string[] files = [.. new[] { "ankle-boot.png", "pullover.png" }.Select(f => Path.Combine(AppContext.BaseDirectory, f))];

using var model = ModelCatalog.Load("fmnist-cnn", Path.Combine(AppContext.BaseDirectory, "fmnist-cnn.safetensors"));
using var images = ImageLoader.Load(files, model.Preprocessing);
using var cam = new GradCam(model, "conv3").Attribute(images.Input, Target.Predicted);        // [2, 1, 7, 7]
using var saliency = new Saliency(model).Attribute(images.Input, Target.Predicted);          // [2, 1, 28, 28]

for (int i = 0; i < files.Length; i++)
{
    string name = Path.GetFileNameWithoutExtension(files[i]);
    using var display = images.Display[i];
    AttributionRendering.Overlay(cam, i, display).SavePng(Path.Combine(outFolder, $"{name}.gradcam.png"));
    AttributionRendering.Overlay(saliency, i, display).SavePng(Path.Combine(outFolder, $"{name}.saliency.png"));
    Console.WriteLine($"{name}: {model.LabelOf(cam.Targets[i])} (logit {cam.TargetScores[i]:F2})");
}
Console.WriteLine($"overlays written to {Path.GetFullPath(outFolder)}");
