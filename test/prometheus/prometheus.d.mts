// Types of prometheus.mjs, for the TypeScript test fixtures.

export interface PrometheusHandle {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** Also the process group id: Prometheus leads its own group. */
  pid: number;
  dir: string;
  /** DIR/prometheus.log */
  log: string;
  /** DIR/prom.yml */
  config: string;
  /** From the spawn to /-/ready answering 200. */
  startupMs: number;
  /** SIGTERM, SIGKILL after 5 s; resolves once the process is gone (throws if it survives SIGKILL). */
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  /** Holds prom.yml, prometheus.log and data/ (the TSDB). */
  dir: string;
  /** Static scrape targets, `host:port`. */
  targets: string[];
  /** scrape_interval and evaluation_interval; default `1s`. */
  scrapeInterval?: string;
  /** The scrape job's name (the `job` label); default `traffic`. */
  job?: string;
  /** Default `prometheus` on PATH. */
  binary?: string;
  /** For /-/ready; default 60 s. */
  timeoutMs?: number;
  log?: (message: string) => void;
}

export interface QueryData {
  resultType: 'vector' | 'matrix' | 'scalar' | 'string' | string;
  /** For a vector: [{ metric: {...labels}, value: [unixSeconds, "text number"] }, ...]. */
  result: any;
}

export function startPrometheus(options: PrometheusOptions): Promise<PrometheusHandle>;
/** GET /api/v1/query?query=…; resolves with the answer's `data`, rejects on an HTTP or PromQL error. */
export function query(url: string, promql: string): Promise<QueryData>;
