package io.scoutbot.cli;

import picocli.CommandLine.Command;

/** {@code serve}: runs the service until SIGTERM or SIGINT. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run the service, including the upload queue's workers.",
      "Starts every component in order and waits; SIGTERM or Ctrl-C stops them in reverse order,",
      "each within a bounded time."
    })
final class ServeCommand extends ScoutCommand {

  @Override
  int run(CliContext ctx, Output out) throws InterruptedException {
    ctx.serve();
    return OK;
  }
}
