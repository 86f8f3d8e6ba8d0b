"""The engine side-by-side: PyTorch's resnet18 inference on a batch of 224x224 images, the same measurement as
`Lumen.Benchmarks.dll engine BATCH REPEATS` (random weights, no_grad, wall clock per batch after two warm-up batches).

Needs Debian bookworm's python3-torch (1.13) and python3-torchvision (0.14):
  apt-get install python3-torch python3-torchvision
  /usr/bin/python3 bench/python/resnet18_batch.py [batch] [repeats] [threads]
"""
import os
import sys
import time

import torch
import torchvision


def main():
    batch = int(sys.argv[1]) if len(sys.argv) > 1 else 32
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else os.cpu_count()
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = torchvision.models.resnet18().eval()
    images = torch.randn(batch, 3, 224, 224)
    print(f"PyTorch {torch.__version__}, resnet18, batch {batch}, {torch.get_num_threads()} intra-op threads, "
          f"load average {os.getloadavg()[0]:.2f}")
    for layout in ("nchw", "channels_last", "nchw", "channels_last"):
        fmt = torch.channels_last if layout == "channels_last" else torch.contiguous_format
        m = model.to(memory_format=fmt)
        x = images.contiguous(memory_format=fmt)
        with torch.no_grad():
            for _ in range(2):
                m(x)
            start = time.perf_counter()
            for _ in range(repeats):
                m(x)[0, 0].item()
            wall = (time.perf_counter() - start) / repeats
        print(f"{layout:<15} {wall:.3f} s per batch ({batch / wall:.1f} images/s)", flush=True)


if __name__ == "__main__":
    main()
