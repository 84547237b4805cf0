package dev.anneal.cli;

import picocli.CommandLine.Command;

/** {@code anneal export ...}: hand a preset to another engine. */
@Command(name = "export", description = "Export a preset to run elsewhere.",
    subcommands = {ExportDeepSpeedCommand.class})
final class ExportCommand {}
