package dev.anneal.cli;

import picocli.CommandLine.Command;

/** {@code anneal export ...}: hand a preset or a model to another engine. */
@Command(
    name = "export",
    description = "Export a preset or a model to run elsewhere.",
    subcommands = {ExportDeepSpeedCommand.class, ExportGgufCommand.class})
final class ExportCommand {}
