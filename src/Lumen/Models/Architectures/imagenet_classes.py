#!/usr/bin/env python3
"""Writes imagenet_classes.txt next to this script: the 1000 ImageNet-1k class names, one per line, in class-index
order, exactly as TorchVision ships them (torchvision.models._meta._IMAGENET_CATEGORIES).

Run: python3 imagenet_classes.py   (needs torchvision; Debian's /usr/bin/python3 with python3-torchvision has it)
"""
from pathlib import Path

from torchvision.models._meta import _IMAGENET_CATEGORIES as names

assert len(names) == 1000, len(names)
assert all("\n" not in name and "\r" not in name for name in names)
Path(__file__).with_name("imagenet_classes.txt").write_text("".join(name + "\n" for name in names), encoding="utf-8")
