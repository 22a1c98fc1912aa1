import { describe, expect, it } from 'vitest';
import { convnetModel } from '../../src/plugins/models/convnet/convnet.ts';
import { fnoModel } from '../../src/plugins/models/fno/fno.ts';
import { unetModel } from '../../src/plugins/models/unet/unet.ts';
import { buildForward, createModel } from './model-harness.ts';

// Every error is raised while the forward graph is built (buildTrainingProgram, the "model" stage), so a bad
// configuration never reaches a training step.
describe('field models refuse impossible configurations at build time, saying what to change', () => {
  it('unet: a resolution not divisible by 2^(levels−1) names the resolution, levels and the nearest valid sizes', () => {
    const unet = createModel(unetModel, { layout: '(x, y, vector)', levels: 4 });
    expect(() => buildForward(unet, { u: [2, 100, 64, 2] })).toThrow(
      'model unet: input "u" [2, 100, 64, 2]: resolution 100 along x is not divisible by 2^(levels−1) = 8 (levels 4 halve it 3 times); the nearest valid sizes are 96 or 104, or use levels ≤ 3. Change the data resolution or model.params.levels.',
    );
    const unet1d = createModel(unetModel, { layout: '(x, vector)', levels: 3 });
    expect(() => buildForward(unet1d, { u: [2, 2, 1] })).toThrow('the nearest valid sizes are 4, or use levels ≤ 2');
  });

  it('fno: modes beyond the grid name the axis, the limit and the grid that would allow them', () => {
    const fno = createModel(fnoModel, { modes: 12 });
    expect(() => buildForward(fno, { permeability: [2, 1, 32, 20] })).toThrow(
      'model fno: input "permeability" [2, 1, 32, 20]: modes 12 along y exceed what a 20-point grid allows (the real DFT of 20 points has floor(20/2)+1 = 11 frequencies); use modes ≤ 11 or a grid of at least 22 points. Lower model.params.modes.',
    );
    expect(() => buildForward(fno, { permeability: [2, 1, 20, 32] })).toThrow('modes 12 along x exceed what a 20-point grid allows (12 low and 12 high frequencies of a 20-point DFT overlap beyond 10 each)');
    const padded = createModel(fnoModel, { modes: 12, domain_padding: 4 });
    expect(() => buildForward(padded, { permeability: [2, 1, 20, 20] })).not.toThrow();
  });

  it('a layout that does not fit the input names both', () => {
    const conv = createModel(convnetModel, {});
    expect(() => buildForward(conv, { u: [2, 5, 16, 1] })).toThrow('model convnet: input "u" [2, 5, 16, 1]: model.params.layout "(x, vector)" names 2 dims per sample but the input has 3 (after batch)');
    const timed = createModel(convnetModel, { layout: '(time, x, vector)' });
    expect(() => buildForward(timed, { u: [2, 5, 16, 1] })).toThrow('has dims time that a field model cannot take');
    const noChannel = createModel(convnetModel, { layout: '(x, y)', out_channels: 2 });
    expect(() => buildForward(noChannel, { u: [2, 8, 8] })).toThrow('out_channels 2 needs a channel dim in the layout "(x, y)"');
  });

  it('a missing input key lists what the data provides', () => {
    const fno = createModel(fnoModel, {});
    expect(() => buildForward(fno, { u: [2, 1, 8, 8] })).toThrow('model fno: no input named "permeability" (model.params.input); the data provides u');
  });

  it('an even kernel is refused by name', () => {
    const conv = createModel(convnetModel, { kernel: 4 });
    expect(() => buildForward(conv, { u: [2, 16, 1] })).toThrow('layer "convs.0": kernel size 4 must be odd');
  });
});
