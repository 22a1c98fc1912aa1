"""The architectures of `tandem zoo`, at the small sizes the zoo trains them (32x32 images, few channels).

Each entry of MODELS is a ZooModel: how to build the torch module (seeded), the example input it is exported
with, and how torch.onnx.export is called, the way a user of torch 1.13 and torchvision 0.14 would call it.
The test exporters (tests/parity/export_attention.py, tests/models/onnx/export_autoencoder.py) import the
attention and autoencoder classes from here, so the zoo and those tests train the same modules.
"""
import math
from dataclasses import dataclass, field
from typing import Callable

import torch
import torch.nn.functional as F

IMAGE = (3, 32, 32)
CLASSES = 10
TOKENS, WIDTH, HEADS = 4, 8, 2


class Attention(torch.nn.Module):
    """torch.nn.MultiheadAttention (self-attention) and a linear head per token."""

    def __init__(self):
        super().__init__()
        self.att = torch.nn.MultiheadAttention(WIDTH, HEADS, batch_first=True)
        self.head = torch.nn.Linear(WIDTH, 1)

    def forward(self, x):
        a, _ = self.att(x, x, x, need_weights=False)
        return self.head(torch.tanh(a))


class Block(torch.nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.ln1 = torch.nn.LayerNorm(width)
        self.att = torch.nn.MultiheadAttention(width, heads, batch_first=True)
        self.ln2 = torch.nn.LayerNorm(width)
        self.mlp = torch.nn.Sequential(torch.nn.Linear(width, 2 * width), torch.nn.GELU(), torch.nn.Linear(2 * width, width))

    def forward(self, x):
        y = self.ln1(x)
        x = x + self.att(y, y, y, need_weights=False)[0]
        return x + self.mlp(self.ln2(x))


class TokenViT(torch.nn.Module):
    """A 2-block pre-norm ViT over ready-made patch tokens: cls token, position embedding, one prediction per patch."""

    def __init__(self, width=16, depth=2):
        super().__init__()
        self.embed = torch.nn.Linear(WIDTH, width)
        self.cls = torch.nn.Parameter(torch.randn(1, 1, width) * 0.02)
        self.pos = torch.nn.Parameter(torch.randn(1, TOKENS + 1, width) * 0.02)
        self.blocks = torch.nn.Sequential(*[Block(width, HEADS) for _ in range(depth)])
        self.norm = torch.nn.LayerNorm(width)
        self.head = torch.nn.Linear(width, 1)

    def forward(self, x):
        x = self.embed(x)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.pos
        return self.head(self.norm(self.blocks(x))[:, 1:])


class Autoencoder(torch.nn.Module):
    """PtychoPINN's ptycho_torch autoencoder at toy size: conv encoder; a decoder padded back to half the input
    size by amounts computed from shapes (F.pad of Shape → Sub chains); amplitude (sigmoid) and phase (π·tanh) heads.
    """

    def __init__(self, c=4):
        super().__init__()
        self.enc1 = torch.nn.Conv2d(1, c, 3, padding=1)
        self.enc2 = torch.nn.Conv2d(c, 2 * c, 3, padding=1)
        self.pool = torch.nn.MaxPool2d(2)
        self.up = torch.nn.ConvTranspose2d(2 * c, c, 2, stride=2)
        self.amp = torch.nn.Conv2d(c, 1, 3, padding=1)
        self.phase = torch.nn.Conv2d(c, 1, 3, padding=1)

    def forward(self, x):
        h = self.pool(torch.relu(self.enc1(x)))
        h = self.pool(torch.relu(self.enc2(h)))
        d = torch.relu(self.up(h))
        # An odd half size loses a row to the pools (10 → 5 → 2 → 4): pad back to 5, split as evenly as possible.
        dh = x.shape[-2] // 2 - d.shape[-2]
        dw = x.shape[-1] // 2 - d.shape[-1]
        d = F.pad(d, (dw // 2, dw - dw // 2, dh // 2, dh - dh // 2))
        d = F.interpolate(d, scale_factor=2, mode='nearest')
        amplitude = torch.sigmoid(self.amp(d))
        phase = math.pi * torch.tanh(self.phase(d))
        return torch.cat([amplitude, phase], 1)


class Recurrent(torch.nn.Module):
    """A recurrent layer's output sequence, then a Linear head on each step."""

    def __init__(self, layer):
        super().__init__()
        self.layer = layer
        self.head = torch.nn.Linear(layer.hidden_size, 1)

    def forward(self, x):
        return self.head(self.layer(x)[0])


class Encoder(torch.nn.Module):
    """nn.TransformerEncoderLayer (post-norm, ReLU feed-forward) and a linear head per token."""

    def __init__(self):
        super().__init__()
        self.layer = torch.nn.TransformerEncoderLayer(WIDTH, HEADS, 16, dropout=0.0, batch_first=True)
        self.head = torch.nn.Linear(WIDTH, 1)

    def forward(self, x):
        return self.head(self.layer(x))


def conv_norm(norm):
    """Conv → a normalization layer → ReLU → 1x1 conv to one channel: the norm layer is what is exercised."""
    return torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1), norm, torch.nn.ReLU(), torch.nn.Conv2d(8, 1, 1))


def circular_pad(x, p):
    """Periodic padding of the last axis by p on each side, what Conv1d(padding=p, padding_mode='circular') does
    before it convolves, written out: torch 1.13 exports padding_mode='circular' with the left pad sliced one element
    early (x[..., -p-1:-1]; pytorch/pytorch#86690), so a module using it exports another function than its own."""
    return torch.cat([x[..., -p:], x, x[..., :p]], -1)


class CircularConv1d(torch.nn.Module):
    """Conv1d with periodic boundaries → tanh → Conv1d: the parameters (names, shapes, seeded init) and the function of
    Conv1d(2, 8, 5, padding=2, padding_mode='circular') → tanh → Conv1d(8, 1, 3, padding=1, padding_mode='circular'),
    with the padding written out (circular_pad) so that torch exports it right. tests/zoo/export_torch_circular.py
    checks the equivalence in torch and keeps torch's own padding_mode='circular' export, which the export check fails."""

    def __init__(self):
        super().__init__()
        self.c1 = torch.nn.Conv1d(2, 8, 5)
        self.c2 = torch.nn.Conv1d(8, 1, 3)

    def forward(self, x):
        return self.c2(circular_pad(torch.tanh(self.c1(circular_pad(x, 2))), 1))


class TokenEmbedding(torch.nn.Module):
    """nn.Embedding of integer token ids (Gather on the weight), mean over the sequence, linear head."""

    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Embedding(16, 8)
        self.head = torch.nn.Linear(8, 2)

    def forward(self, tokens):
        return self.head(torch.tanh(self.embed(tokens)).mean(1))


class Bilinear(torch.nn.Module):
    """Conv → F.interpolate(bilinear, align_corners) → Conv: a Resize(linear) between two convolutions."""

    def __init__(self, align_corners):
        super().__init__()
        self.align_corners = align_corners
        self.c1 = torch.nn.Conv2d(3, 4, 3, padding=1)
        self.c2 = torch.nn.Conv2d(4, 1, 3, padding=1)

    def forward(self, x):
        h = torch.tanh(self.c1(x))
        return self.c2(F.interpolate(h, scale_factor=2, mode='bilinear', align_corners=self.align_corners))


class Shuffle(torch.nn.Module):
    """Conv to 4·3 channels, nn.PixelShuffle(2) (DepthToSpace CRD): 16x16 in, a 3-channel 32x32 image out."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 12, 3, padding=1)
        self.shuffle = torch.nn.PixelShuffle(2)

    def forward(self, x):
        return self.shuffle(torch.tanh(self.conv(x)))


def narrow_resnet18():
    """torchvision's ResNet with resnet18's layout (BasicBlock, [2, 2, 2, 2], 7x7 stem, max pool) at an eighth of
    its width: stem and stages 8-16-32-64 channels instead of 64-128-256-512, initialized as torchvision does."""
    from torchvision.models.resnet import BasicBlock, ResNet
    model = ResNet(BasicBlock, [2, 2, 2, 2], num_classes=CLASSES)
    model.inplanes = 8
    model.conv1 = torch.nn.Conv2d(3, 8, kernel_size=7, stride=2, padding=3, bias=False)
    model.bn1 = torch.nn.BatchNorm2d(8)
    model.layer1 = model._make_layer(BasicBlock, 8, 2)
    model.layer2 = model._make_layer(BasicBlock, 16, 2, stride=2)
    model.layer3 = model._make_layer(BasicBlock, 32, 2, stride=2)
    model.layer4 = model._make_layer(BasicBlock, 64, 2, stride=2)
    model.fc = torch.nn.Linear(64, CLASSES)
    for m in model.modules():  # torchvision's ResNet.__init__ initialization, for the rebuilt layers
        if isinstance(m, torch.nn.Conv2d):
            torch.nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
        elif isinstance(m, torch.nn.BatchNorm2d):
            torch.nn.init.constant_(m.weight, 1)
            torch.nn.init.constant_(m.bias, 0)
    return model


def tiny_efficientnet():
    """torchvision's EfficientNet-B0 block recipe (MBConv, squeeze-excitation, SiLU, stochastic depth) at a quarter
    of its width and a third of its depth: the same ops as efficientnet_b0, a thirtieth of the parameters."""
    from torchvision.models.efficientnet import EfficientNet, _efficientnet_conf
    setting, last_channel = _efficientnet_conf('efficientnet_b0', width_mult=0.25, depth_mult=0.34)
    return EfficientNet(setting, 0.2, num_classes=CLASSES, last_channel=last_channel)


def tiny_vit():
    """torchvision initializes the ViT's head to zero, so every output is 0 and no gradient reaches the encoder on
    the first step: the head gets torch's default Linear init instead, so parity compares every layer from step one."""
    from torchvision.models.vision_transformer import VisionTransformer
    model = VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=16, mlp_dim=32, num_classes=CLASSES)
    model.heads.head.reset_parameters()
    return model


def torchvision_model(name, **kwargs):
    import torchvision
    return lambda: getattr(torchvision.models, name)(num_classes=CLASSES, **kwargs)


@dataclass(frozen=True)
class ZooModel:
    """One zoo entry. `dims` name the input's axes for the data contract; `tokens` > 0 makes the input integer ids."""
    name: str
    what: str
    build: Callable[[], torch.nn.Module]
    input: tuple
    dims: tuple
    output_dims: tuple
    tokens: int = 0
    training: bool = False
    export: dict = field(default_factory=dict)


IMAGE_DIMS = ('batch', 'channel', 'x', 'y')
SEQ_DIMS = ('batch', 'token', 'vector')

MODELS = [
    ZooModel('resnet18', 'torchvision ResNet, resnet18 layout at 1/8 width, eval export (BatchNorm folded into Conv)', narrow_resnet18, IMAGE, IMAGE_DIMS, ('batch', 'vector')),
    ZooModel('resnet18-train', 'the same resnet18 exported with training=TrainingMode.TRAINING (BatchNorm with running statistics)', narrow_resnet18, IMAGE, IMAGE_DIMS, ('batch', 'vector'), training=True),
    ZooModel('mobilenet_v2', 'torchvision mobilenet_v2, width_mult 0.25 (ReLU6 → Clip, GlobalAveragePool)', torchvision_model('mobilenet_v2', width_mult=0.25), IMAGE, IMAGE_DIMS, ('batch', 'vector')),
    ZooModel('squeezenet1_0', 'torchvision squeezenet1_0 (fire modules, Concat, GlobalAveragePool)', torchvision_model('squeezenet1_0'), IMAGE, IMAGE_DIMS, ('batch', 'vector')),
    ZooModel('efficientnet_b0', 'torchvision EfficientNet-B0 recipe, width 0.25, depth 0.34 (SiLU, squeeze-excitation)', tiny_efficientnet, IMAGE, IMAGE_DIMS, ('batch', 'vector')),
    ZooModel('vit', 'torchvision VisionTransformer: patch 8, 2 layers, 2 heads, width 16', tiny_vit, IMAGE, IMAGE_DIMS, ('batch', 'vector')),
    ZooModel('transformer_encoder_layer', 'nn.TransformerEncoderLayer (d_model 8, 2 heads) + linear head', Encoder, (TOKENS, WIDTH), SEQ_DIMS, SEQ_DIMS),
    ZooModel('multihead_attention', 'nn.MultiheadAttention (8 wide, 2 heads) + linear head', Attention, (TOKENS, WIDTH), SEQ_DIMS, SEQ_DIMS, export={'opset_version': 14}),
    ZooModel('token_vit', 'a 2-block pre-norm ViT over patch tokens (cls token, LayerNorm, GELU MLP)', TokenViT, (TOKENS, WIDTH), SEQ_DIMS, SEQ_DIMS),
    ZooModel('lstm', 'nn.LSTM (3 → 8) + linear head per step', lambda: Recurrent(torch.nn.LSTM(3, 8, batch_first=True)), (6, 3), SEQ_DIMS, SEQ_DIMS),
    ZooModel('gru', 'nn.GRU (3 → 8) + linear head per step', lambda: Recurrent(torch.nn.GRU(3, 8, batch_first=True)), (6, 3), SEQ_DIMS, SEQ_DIMS),
    ZooModel('groupnorm', 'Conv → nn.GroupNorm(2, 8) → ReLU → Conv', lambda: conv_norm(torch.nn.GroupNorm(2, 8)), IMAGE, IMAGE_DIMS, IMAGE_DIMS),
    ZooModel('instancenorm', 'Conv → nn.InstanceNorm2d(8, affine) → ReLU → Conv', lambda: conv_norm(torch.nn.InstanceNorm2d(8, affine=True)), IMAGE, IMAGE_DIMS, IMAGE_DIMS),
    ZooModel('pixelshuffle', 'Conv → nn.PixelShuffle(2) (DepthToSpace)', Shuffle, (3, 16, 16), IMAGE_DIMS, IMAGE_DIMS),
    ZooModel('conv1d_circular', 'two Conv1d with periodic boundaries (circular padding written as torch.cat, which torch exports right)', CircularConv1d, (2, 16), ('batch', 'channel', 'x'), ('batch', 'channel', 'x')),
    ZooModel('embedding', 'nn.Embedding of token ids + mean + linear head', TokenEmbedding, (6,), ('batch', 'token'), ('batch', 'vector'), tokens=16),
    ZooModel('bilinear', 'F.interpolate bilinear (align_corners=False) between convolutions', lambda: Bilinear(False), (3, 16, 16), IMAGE_DIMS, IMAGE_DIMS),
    ZooModel('bilinear_aligned', 'F.interpolate bilinear (align_corners=True) between convolutions', lambda: Bilinear(True), (3, 16, 16), IMAGE_DIMS, IMAGE_DIMS),
    ZooModel('ptycho_autoencoder', 'PtychoPINN-style autoencoder: conv encoder, decoder padded by shape-computed F.pad, amplitude and phase heads', Autoencoder, (1, 30, 30), IMAGE_DIMS, IMAGE_DIMS),
]
