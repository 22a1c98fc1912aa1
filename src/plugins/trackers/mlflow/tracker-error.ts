/**
 * Any failure of the MLflow tracker that a person must act on: a name MLflow would reject, a folder store that
 * cannot be written, a server that refuses a request. The message already says what to do; the orchestrator's
 * dispatcher prefixes it with "tracker 'mlflow'".
 */
export class TrackerError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TrackerError';
  }
}
