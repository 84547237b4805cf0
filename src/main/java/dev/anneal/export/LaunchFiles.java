package dev.anneal.export;

import java.util.ArrayList;
import java.util.List;

/**
 * The launch script and hostfile of a bundle. {@code launch.sh} runs train.py under the {@code
 * deepspeed} launcher (or {@code torchrun} with {@code LAUNCHER=torchrun}) on the exported GPU and
 * node counts; past one node DeepSpeed reads the hosts from {@code hostfile}.
 */
final class LaunchFiles {
  private LaunchFiles() {}

  /** {@code hostfile}: one "host slots=N" line per node; placeholders when no hosts were given. */
  static String hostfile(int gpus, int nodes, List<String> hosts) {
    List<String> names = new ArrayList<>(hosts);
    for (int i = names.size(); i < nodes; i++) names.add("node" + (i + 1));
    StringBuilder s =
        new StringBuilder(
            "# DeepSpeed hostfile: one line per node, \"hostname slots=<GPUs on it>\".\n"
                + "# Every node needs password-less ssh from the first and this folder at the same path.\n");
    for (String name : names.subList(0, nodes)) {
      s.append(name).append(" slots=").append(gpus).append('\n');
    }
    return s.toString();
  }

  static String launchScript(String preset, int gpus, int nodes, String firstHost) {
    String multi =
        nodes > 1
            ? """
          if [ "$NODES" -gt 1 ]; then
            exec deepspeed --hostfile hostfile --num_nodes "$NODES" --num_gpus "$GPUS" \\
              --master_addr "${MASTER_ADDR:-%s}" --master_port "$MASTER_PORT" \\
              train.py --deepspeed ds_config.json "$@"
          fi
          """
                .formatted(firstHost)
            : "";
    return """
        #!/usr/bin/env bash
        # Trains preset %s on GPUS GPUs per node x NODES nodes with DeepSpeed.
        #   ./launch.sh                        deepspeed launcher (reads hostfile past one node)
        #   LAUNCHER=torchrun ./launch.sh      torchrun; run it on every node with NODE_RANK set
        #   ./launch.sh --base-model PATH      any further options go to train.py
        # Follow it from Anneal: anneal attach outputs/%s
        set -euo pipefail
        cd "$(dirname "$0")"
        GPUS="${GPUS:-%d}"
        NODES="${NODES:-%d}"
        MASTER_PORT="${MASTER_PORT:-29500}"
        LAUNCHER="${LAUNCHER:-deepspeed}"

        if [ "$LAUNCHER" = torchrun ]; then
          exec torchrun --nnodes "$NODES" --nproc_per_node "$GPUS" --node_rank "${NODE_RANK:-0}" \\
            --master_addr "${MASTER_ADDR:-127.0.0.1}" --master_port "$MASTER_PORT" \\
            train.py --deepspeed ds_config.json "$@"
        fi
        %s
        exec deepspeed --num_gpus "$GPUS" --master_port "$MASTER_PORT" \\
          train.py --deepspeed ds_config.json "$@"
        """
        .formatted(preset, preset, gpus, nodes, multi);
  }
}
