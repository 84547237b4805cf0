package dev.anneal.train;

/**
 * How the UI or the CLI steers a running trainer from another thread: pause and resume between
 * steps, stop (checkpoint, then end), cancel (end at once, no checkpoint).
 */
public final class TrainerControl {
  public enum Request {
    RUN,
    PAUSE,
    STOP,
    CANCEL
  }

  private Request request = Request.RUN;

  public synchronized void pause() {
    if (request == Request.RUN) request = Request.PAUSE;
  }

  public synchronized void resume() {
    if (request == Request.PAUSE) {
      request = Request.RUN;
      notifyAll();
    }
  }

  public synchronized void stop() {
    if (request != Request.CANCEL) request = Request.STOP;
    notifyAll();
  }

  public synchronized void cancel() {
    request = Request.CANCEL;
    notifyAll();
  }

  public synchronized boolean isPaused() {
    return request == Request.PAUSE;
  }

  /** Blocks while paused; returns what the trainer must do next (RUN, STOP or CANCEL). */
  synchronized Request awaitGo() throws InterruptedException {
    while (request == Request.PAUSE) wait();
    return request;
  }
}
