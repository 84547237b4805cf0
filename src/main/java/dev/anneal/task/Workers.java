package dev.anneal.task;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Fixed pools of daemon threads for a service's parallel work, named for thread dumps. */
public final class Workers {
  private Workers() {}

  /** A pool of {@code threads} daemon threads called {@code name}; shut it down when done. */
  public static ExecutorService pool(int threads, String name) {
    return Executors.newFixedThreadPool(
        Math.max(1, threads),
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }
}
