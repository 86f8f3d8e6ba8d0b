using Lumen.Imaging;
using static TorchSharp.torch;

namespace Lumen.Data;

/// <summary>
/// A dataset whose images may differ in size, so it applies the preprocessing image by image (resize and crop
/// before stacking) instead of handing over one tensor at the stored size.
/// </summary>
internal interface IPreprocessingDataset
{
    /// <summary>Loads a slice as display images [n, 3, H, W] and model input [n, C, H, W]; the caller owns both.</summary>
    (Tensor Display, Tensor Input) Load(int start, int count, ImagePreprocessing preprocessing);
}
