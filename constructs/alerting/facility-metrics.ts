/**
 * The facility's telemetry contract: the building management system publishes these
 * custom metrics every minute, zeros included. A metric that stops arriving is treated
 * as an alarm, so a dead sensor or a dead publisher pages like a real fault.
 */
export const POWER_NAMESPACE = 'Colossus/Power';
export const COOLING_NAMESPACE = 'Colossus/Cooling';

/** Per feed: dimensions Cluster, Feed. A feed serves several halls, so it has no Hall. */
export const POWER_METRICS = {
  loadPercent: 'LoadPercent',
  upsOnBattery: 'UpsOnBattery',
  batteryStateOfCharge: 'BatteryStateOfCharge',
  breakerTripped: 'BreakerTripped',
  /** Per hall (dimensions Cluster, Hall): IT load in kW, for the dashboard. */
  hallItLoadKw: 'HallItLoadKw',
} as const;

/** Per CDU: dimensions Cluster, Hall, Cdu. */
export const COOLING_METRICS = {
  supplyTemperature: 'SupplyTemperature',
  returnTemperature: 'ReturnTemperature',
  flowRate: 'FlowRate',
  deltaT: 'DeltaT',
  leakDetected: 'LeakDetected',
} as const;

export type Severity = 'page' | 'ticket';

/** Topic ARNs per severity; every alarm sends to one of them. */
export type AlarmTopics = Readonly<Record<Severity, string>>;

export function alarmArn(region: string, accountId: string, alarmName: string): string {
  return `arn:aws:cloudwatch:${region}:${accountId}:alarm:${alarmName}`;
}

/** Names are the contract between the stack that makes an alarm and the dashboard that shows it. */
export const alarmNames = {
  cdu: (prefix: string, hall: string, cdu: string, signal: string) => `${prefix}-${hall}-${cdu}-${signal}`,
  cduOutOfService: (prefix: string, hall: string, cdu: string) => `${prefix}-${hall}-${cdu}-out-of-service`,
  hallCoolingRedundancyLost: (prefix: string, hall: string) => `${prefix}-${hall}-cooling-redundancy-lost`,
  feed: (prefix: string, feed: string, signal: string) => `${prefix}-power-${feed}-${signal}`,
  powerRedundancyLost: (prefix: string) => `${prefix}-power-redundancy-lost`,
} as const;

/** A composite alarm rule that fires when any child is in ALARM. */
export function anyInAlarm(alarmNamesOrArns: readonly string[]): string {
  return alarmNamesOrArns.map((name) => `ALARM(${JSON.stringify(name)})`).join(' OR ');
}
