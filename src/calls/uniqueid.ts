/**
 * Asterisk's channel uniqueid is `[systemname-]epoch.sequence`: the epoch second the channel was
 * created and a counter that starts again at 0 whenever Asterisk starts. Two PBXs on default
 * settings (no systemname) therefore produce the same ids, which is why a call is keyed by PBX
 * and uniqueid; and a sequence that went backwards says the PBX restarted.
 */
export function parseUniqueid(uniqueid: string): { epoch: number; seq: number } | undefined {
  const m = /(?:^|-)(\d{9,11})\.(\d{1,15})$/.exec(uniqueid);
  if (!m) return undefined;
  return { epoch: Number(m[1]), seq: Number(m[2]) };
}
