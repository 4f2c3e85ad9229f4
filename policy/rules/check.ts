import type { Check, Subject } from '../model';

/** A check of one attribute of one subject. */
export function check(subject: Subject, attribute: string, value: unknown, ok: boolean, message?: string): Check {
  return {
    subject: { address: subject.address, path: subject.path },
    status: ok ? 'pass' : 'fail',
    evidence: { attribute, value: value === undefined ? null : value },
    ...(ok || !message ? {} : { message }),
  };
}
