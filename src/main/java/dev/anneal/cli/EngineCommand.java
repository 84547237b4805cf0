package dev.anneal.cli;

import dev.anneal.AppEnvironment;
import dev.anneal.engine.EngineInfo;
import dev.anneal.engine.EnginePlan;
import dev.anneal.engine.EngineStartup;
import dev.anneal.engine.LibtorchChoice;
import dev.anneal.engine.NativeLayout;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code anneal engine status|use|fetch-cuda}: which libtorch the PyTorch engine loads. */
@Command(
    name = "engine",
    description =
        "Show or choose the libtorch the engine loads: bundled CPU, CUDA, or a local folder.",
    subcommands = {
      EngineCommand.Status.class,
      EngineCommand.Use.class,
      EngineCommand.FetchCuda.class
    })
final class EngineCommand {

  @Command(
      name = "status",
      description = "Start the engine and show its libtorch, devices and setting.")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
      EnginePlan plan = AppEnvironment.enginePlan();
      EngineInfo info = start(spec, plan);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("setting", plan.choice().kind().name().toLowerCase(Locale.ROOT));
        m.put("folder", plan.choice().folder() == null ? null : plan.choice().folder().toString());
        m.put("libtorch", info.libtorch());
        m.put("devices", info.devices());
        m.put("gpus", info.gpus());
        m.put("notice", plan.notice());
        m.put("error", info.error());
        out.println(Json.write(m));
      } else {
        out.println("setting   " + describe(plan.choice()));
        out.println("engine    " + info.summary());
        out.println("cache     " + AppEnvironment.engineCacheDir().resolve("pytorch"));
        if (plan.notice() != null) out.println("note      " + plan.notice());
      }
      return info.error() == null ? 0 : 1;
    }
  }

  @Command(
      name = "use",
      description =
          "Choose the libtorch for the next starts: cpu (bundled), cuda (DJL's CUDA build), or local DIR.")
  static final class Use implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KIND", description = "cpu, cuda or local.")
    String kind;

    @Parameters(
        index = "1",
        arity = "0..1",
        paramLabel = "DIR",
        description = "With local: the libtorch folder (holding libtorch.so, or lib/libtorch.so).")
    Path folder;

    @Override
    public Integer call() throws Exception {
      LibtorchChoice.Kind k;
      try {
        k = LibtorchChoice.Kind.valueOf(kind.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("engine use: '" + kind + "' is not cpu, cuda or local");
      }
      if (k == LibtorchChoice.Kind.LOCAL) {
        if (folder == null)
          throw new IllegalArgumentException("engine use local: give the libtorch folder");
        String lib = System.mapLibraryName("torch");
        if (!Files.isDirectory(folder))
          throw new IllegalArgumentException(folder + ": no such folder");
        if (!NativeLayout.holdsLibtorch(folder)
            && !NativeLayout.holdsLibtorch(folder.resolve("lib"))) {
          throw new IllegalArgumentException(
              folder + ": holds no " + lib + " (nor lib/" + lib + ")");
        }
      } else if (folder != null) {
        throw new IllegalArgumentException("engine use " + kind + ": takes no folder");
      }
      LibtorchChoice choice =
          new LibtorchChoice(k, folder == null ? null : folder.toAbsolutePath());
      choice.save(AppEnvironment.dataDir());
      EnginePlan plan =
          EnginePlan.forDataFolder(
              AppEnvironment.dataDir(), AppEnvironment.engineCacheDir(), AppEnvironment.isOnline());
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "Saved "
              + AppEnvironment.dataDir().resolve(LibtorchChoice.FILE)
              + ": "
              + describe(choice));
      if (plan.notice() != null) out.println(plan.notice());
      else if (plan.firstStart()) out.println(plan.stage() + " at the next start.");
      return 0;
    }
  }

  @Command(
      name = "fetch-cuda",
      description =
          "Download DJL's CUDA build of libtorch into the cache (goes online for this), then use it.")
  static final class FetchCuda implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac")) {
        throw new IllegalArgumentException(
            "engine fetch-cuda: there is no CUDA on macOS; Apple GPUs work through MPS with the bundled build");
      }
      NativeLayout layout = NativeLayout.bundled(AppEnvironment.engineCacheDir());
      LibtorchChoice cuda = new LibtorchChoice(LibtorchChoice.Kind.CUDA, null);
      EnginePlan plan = EnginePlan.of(cuda, layout, true, System.getProperty("os.name", ""));
      plan.apply();
      EngineInfo info = start(spec, plan);
      if (info.error() != null || !NativeLayout.holdsLibtorch(layout.cudaFolder())) {
        throw new IllegalStateException(
            "could not get CUDA libtorch "
                + layout.torchVersion()
                + " into "
                + layout.cudaFolder()
                + ": "
                + (info.error() != null ? info.error() : "DJL fell back to another build")
                + ". Check the network, or unzip a libtorch and run `anneal engine use local DIR`.");
      }
      cuda.save(AppEnvironment.dataDir());
      spec.commandLine()
          .getOut()
          .println("CUDA libtorch in " + layout.cudaFolder() + "; engine " + info.summary());
      if (info.gpus() == 0) {
        spec.commandLine()
            .getOut()
            .println("No CUDA device found: check the NVIDIA driver (nvidia-smi).");
      }
      return 0;
    }
  }

  /** Starts the engine, printing unpack or download progress to stderr. */
  private static EngineInfo start(CommandSpec spec, EnginePlan plan) {
    try (CliProgress progress = new CliProgress(spec.commandLine().getErr(), false)) {
      return EngineStartup.start(plan, progress);
    }
  }

  private static String describe(LibtorchChoice c) {
    return switch (c.kind()) {
      case CPU -> "cpu (the libtorch bundled with Anneal)";
      case CUDA -> "cuda (DJL's CUDA build of libtorch, downloaded once)";
      case LOCAL -> "local " + c.folder();
    };
  }
}
