// CPU time from /proc (Linux): a process's, and the whole machine's, so that a figure can say
// how much of the CPU other work took while it was measured.
const { readFileSync } = require('node:fs');

/** Clock ticks are 10 ms on Linux (USER_HZ 100). */
const TICK_MS = 10;

/** A process's CPU time so far (user + system), in ms; NaN once it is gone. */
function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime: fields 14 and 15 of the line, 12 and 13 after the name.
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return Number.NaN;
  }
}

/** Every core's busy time so far (all but idle and iowait), in ms. */
function machineBusyMs() {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
    return (user + nice + system + irq + softirq + (steal || 0)) * TICK_MS;
  } catch {
    return Number.NaN;
  }
}

/**
 * Measures `work` and the CPU it cost: `ours` names the processes that take part (a function
 * giving their CPU ms so far, each); returns the CPU ms each used, and how many cores other
 * work on the machine kept busy on average meanwhile.
 */
async function metered(ours, work) {
  const before = Object.fromEntries(Object.entries(ours).map(([name, read]) => [name, read()]));
  const busyBefore = machineBusyMs();
  const started = performance.now();
  const result = await work();
  const wallMs = performance.now() - started;
  const used = {};
  let total = 0;
  for (const [name, read] of Object.entries(ours)) {
    used[name] = read() - before[name];
    if (Number.isFinite(used[name])) total += used[name];
  }
  const otherCores = (machineBusyMs() - busyBefore - total) / wallMs;
  return { result, used, otherCores: Math.max(0, Math.round(otherCores * 100) / 100) };
}

/** This process's CPU time so far, in ms. */
function ownCpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

module.exports = { processCpuMs, machineBusyMs, metered, ownCpuMs };
