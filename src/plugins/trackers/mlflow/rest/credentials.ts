/**
 * The Authorization header MLflow's own client sends (`mlflow/utils/rest_utils.py`): a bearer token from
 * MLFLOW_TRACKING_TOKEN, else HTTP basic from MLFLOW_TRACKING_USERNAME/PASSWORD. Read from the environment only,
 * never from config, so credentials never reach the resolved config, the run directory or a log line.
 */
export function authorizationHeader(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const token = env.MLFLOW_TRACKING_TOKEN;
  if (token) return { authorization: `Bearer ${token}` };
  const user = env.MLFLOW_TRACKING_USERNAME;
  const password = env.MLFLOW_TRACKING_PASSWORD;
  if (user && password) return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
  return {};
}
