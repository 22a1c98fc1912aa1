// spec: specs/backend.md §3 (the Session contract), run for every built-in backend plugin.
import { afterAll, describe, expect, it } from 'vitest';
import { ortBackend } from '../../../src/plugins/backends/onnxruntime/ort-backend.ts';
import { tfjsBackend } from '../../../src/plugins/backends/tfjs/tfjs-backend.ts';
import { TorchSession } from '../../../src/plugins/backends/torch/torch-session.ts';
import { builtinPlugins } from '../../../src/plugins/index.ts';
import type { TrainingProgram } from '../../../src/train/program.ts';
import { openReference } from '../torch/torch-available.ts';
import { describeSessionContract, type SessionUnderTest } from './session-contract.ts';

// The torch sessions share one Python process, as the other torch tests do: starting torch costs seconds per
// session. The torch backend's own compile (one process per session, dtype check) is tested in tests/backends/torch.
const { ref, skip } = await openReference('session-contract');
afterAll(() => ref.dispose());

const sessions: SessionUnderTest[] = [
  // One ORT thread: the test machine is shared.
  { backend: 'onnxruntime', compile: async (program: TrainingProgram) => (await ortBackend.create(ortBackend.params.parse({ threads: 1 }))).compile(program) },
  { backend: 'tfjs', compile: async (program: TrainingProgram) => (await tfjsBackend.create(tfjsBackend.params.parse({}))).compile(program) },
  { backend: 'torch', skip, compile: (program: TrainingProgram) => TorchSession.create(program, ref, false) },
];

describe('the session contract covers every built-in backend', () => {
  it('lists each backend plugin, so a new backend cannot miss the contract', () => {
    const names = builtinPlugins.filter((p) => p.kind === 'backend').map((p) => p.name);
    expect(sessions.map((s) => s.backend).sort()).toEqual(names.sort());
  });
});

for (const session of sessions) describeSessionContract(session);
