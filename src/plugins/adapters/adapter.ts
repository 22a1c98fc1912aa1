import type { DataContainer } from '../../data/container.ts';
import type { Configured } from '../plugin.ts';

/**
 * What an adapter plugin instance offers once constructed: its source already read and validated against its
 * data contract (construction fails with a DataError otherwise), as a DataContainer.
 */
export interface DataAdapter extends Configured {
  container(): DataContainer;
}
