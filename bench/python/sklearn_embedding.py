"""The embedding side-by-side: scikit-learn on the same data and settings as `Lumen.Benchmarks.dll embedding`
(Fashion-MNIST train then test, pixels / 255; randomized PCA of the 70,000 x 784 matrix to 50 components; t-SNE with
perplexity 30, PCA initialisation, random_state 0, 2 threads), timing each step and printing the same quality figures
(10-NN class agreement, trustworthiness at k = 10 on a fixed sample of 5,000 points).

Needs Debian bookworm's python3-sklearn (1.2.1):
  apt-get install python3-sklearn
  /usr/bin/python3 bench/python/sklearn_embedding.py [pca|bh] [points]
"""
import gzip
import os
import struct
import sys
import time

import numpy as np
import sklearn
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE, trustworthiness
from sklearn.neighbors import NearestNeighbors

FOLDER = "/usr/share/datasets/fashion-mnist"


def read_idx(name):
    with gzip.open(os.path.join(FOLDER, name), "rb") as f:
        magic = struct.unpack(">I", f.read(4))[0]
        dims = [struct.unpack(">I", f.read(4))[0] for _ in range(magic & 0xFF)]
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(dims)


def knn_agreement(y, labels, k=10):
    neighbours = NearestNeighbors(n_neighbors=k + 1).fit(y).kneighbors(y, return_distance=False)[:, 1:]
    return float((labels[neighbours] == labels[:, None]).mean())


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else "bh"
    points = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    x = np.concatenate([read_idx("train-images-idx3-ubyte.gz"), read_idx("t10k-images-idx3-ubyte.gz")])
    x = x.reshape(len(x), -1).astype(np.float32) / 255
    labels = np.concatenate([read_idx("train-labels-idx1-ubyte.gz"), read_idx("t10k-labels-idx1-ubyte.gz")])
    print(f"scikit-learn {sklearn.__version__}, {len(x)} x {x.shape[1]}, load average {os.getloadavg()[0]:.2f}", flush=True)
    start = time.perf_counter()
    reduced = PCA(n_components=50, svd_solver="randomized", random_state=0).fit_transform(x)
    print(f"PCA 70000 x 784 -> 50 (randomized): {time.perf_counter() - start:.1f} s", flush=True)
    if what == "pca":
        return
    data, classes = reduced[:points], labels[:points]
    start = time.perf_counter()
    y = TSNE(n_components=2, perplexity=30.0, init="pca", learning_rate="auto", method="barnes_hut", angle=0.5,
             random_state=0, n_jobs=2).fit_transform(data)
    seconds = time.perf_counter() - start
    sample = np.random.RandomState(0).choice(points, min(points, 5000), replace=False)
    print(f"t-SNE Barnes-Hut on {points} points: {seconds:.1f} s; 10-NN agreement {knn_agreement(y, classes):.3f}; "
          f"trustworthiness(k=10, 5000 sample) {trustworthiness(data[sample], y[sample], n_neighbors=10):.4f}; "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)


if __name__ == "__main__":
    main()
