import { PluginError } from '../errors.ts';

/**
 * The one way the orchestrator calls into plugin code: any failure becomes a PluginError that leads with the
 * plugin's kind and name and the phase it was in, so the person knows whose code (or whose settings) to look at.
 */
export async function invokePlugin<T>(plugin: string, phase: string, call: () => T | Promise<T>, exitCode: number): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof PluginError) throw error;
    throw new PluginError(plugin, phase, error, exitCode);
  }
}
