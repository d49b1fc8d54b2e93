// Preloaded (node --require) into every Node process the launcher starts. The launcher gives each child an IPC
// channel; when the launcher dies, even by kill -9, the channel closes and the child shuts itself down as if it had
// been sent SIGTERM (workers checkpoint and hand their runs back), instead of living on as an orphan holding ports
// and data folders that the next start needs.
if (process.channel) {
  process.channel.unref();
  process.once("disconnect", () => process.kill(process.pid, "SIGTERM"));
}
