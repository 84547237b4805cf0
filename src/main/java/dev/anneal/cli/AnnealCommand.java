package dev.anneal.cli;

import dev.anneal.AppEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root command; each subcommand is a thin shell over a core service. */
@Command(
    name = "anneal",
    mixinStandardHelpOptions = true,
    scope =
        ScopeType.INHERIT, // --help on every subcommand, before its required options are checked
    versionProvider = AnnealCommand.Version.class,
    description = {
      "Turn a code repository into a training set, train or fine-tune a code model, compare.",
      "Run with no arguments to open the studio."
    },
    // One command per line: every feature adds its own line here.
    subcommands = {
      PresetsCommand.class,
      EstimateCommand.class,
      DatasetCommand.class,
      TokenizerCommand.class,
      ModelCommand.class,
      TrainCommand.class,
      GenerateCommand.class,
      CompareCommand.class,
      RunsCommand.class,
      SweepCommand.class,
      EvalCommand.class,
      ExportCommand.class,
      AttachCommand.class,
      BenchCommand.class,
      EngineCommand.class,
      picocli.CommandLine.HelpCommand.class
    })
public final class AnnealCommand {
  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Show stack traces and debug logs.")
  boolean verbose;

  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "anneal " + AppEnvironment.version(),
        "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")",
        "data folder " + AppEnvironment.dataDir()
      };
    }
  }
}
