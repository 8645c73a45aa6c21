/** What a run may use. Every run also gets --network none, no mounts, no privileges. */
export interface RunLimits {
  memoryBytes: number;
  pids: number;
  /** Wall-clock limit of a run without a TTY. */
  seconds: number;
  /** Wall-clock limit of a terminal session. */
  ttySeconds: number;
  /** A TTY run nobody attaches to within this time is removed. */
  attachWaitSeconds: number;
  /** Containers of this server alive at once. */
  maxRunning: number;
}

export const DEFAULT_RUN_LIMITS: RunLimits = {
  memoryBytes: 512 * 1024 * 1024,
  pids: 256,
  seconds: 5 * 60,
  ttySeconds: 30 * 60,
  attachWaitSeconds: 60,
  maxRunning: 4,
};

/**
 * The container's create body: the image's defaults with the person's overrides, and the
 * confinement that is not negotiable (network, mounts, privileges, limits, auto-removal).
 */
export function containerSpec(
  req: { ref: string; cmd?: string[]; entrypoint?: string[]; env?: string[]; tty: boolean },
  limits: RunLimits,
  runId: string,
): Record<string, unknown> {
  return {
    Image: req.ref,
    Cmd: req.cmd,
    Entrypoint: req.entrypoint,
    Env: req.env,
    Tty: req.tty,
    OpenStdin: req.tty,
    StdinOnce: false,
    AttachStdin: req.tty,
    AttachStdout: true,
    AttachStderr: true,
    NetworkDisabled: true,
    Labels: { 'dev.peel.run': runId },
    HostConfig: {
      NetworkMode: 'none',
      AutoRemove: true,
      Privileged: false,
      Binds: [],
      Mounts: [],
      VolumesFrom: [],
      PortBindings: {},
      PublishAllPorts: false,
      Memory: limits.memoryBytes,
      // Equal to Memory: no swap on top of it.
      MemorySwap: limits.memoryBytes,
      PidsLimit: limits.pids,
      NanoCpus: 1_000_000_000,
      SecurityOpt: ['no-new-privileges'],
      // Output reaches Peel through attach; nothing is kept in the engine's logs.
      LogConfig: { Type: 'none', Config: {} },
    },
  };
}
