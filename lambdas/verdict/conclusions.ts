/**
 * The experiment card's conclusions as measurements (the seeds' card): Expected, Detected, Handled,
 * Automate and Dig deeper, each rendered from the run's facts; never a fixed sentence that may be
 * false for some run.
 */
import type { Conclusions, ExperimentPlan, Finding, Outcome } from '../shared/types';
import { impactRank } from '../shared/vocabulary';
import { metricEffectChecks } from '../shared/effect';
import {
  stopConfirmed,
  clock,
  duration,
  duringEvidence,
  probeName,
  secondsBetween,
  shortObservation,
  type Facts,
} from './facts';

/** Why a run that injected nothing (or was not judged) concludes nothing. */
export function notTested(text: string): Conclusions {
  const finding: Finding = { answer: 'not applicable', text };
  return { expected: finding, detected: finding, handled: finding, automate: [], digDeeper: [] };
}

function impactEvidence(facts: Facts): string {
  const parts: string[] = [];
  if (facts.failedDuring.length > 0) parts.push(facts.failedDuring.map(duringEvidence).join('; '));
  else if (facts.duringChecks > 0)
    parts.push(`every probe held in ${facts.duringChecks} checks during the fault`);
  else parts.push('no probe ran during the fault');
  if (facts.alarmsFired.length > 0) {
    parts.push(
      `alarm ${[...new Set(facts.alarmsFired.map((t) => t.alarmName))].join(', ')} reached ALARM (first at ${clock(facts.alarmsFired[0]?.at ?? '')})`,
    );
  }
  if (facts.afterChecks === 0) parts.push('not re-checked after the fault');
  else if (facts.failedAfter.length > 0) parts.push(`right after the fault: ${facts.failedAfter.join('; ')}`);
  else parts.push('steady at the first check after the fault');
  return parts.join('; ');
}

function expected(outcome: Outcome, facts: Facts): Finding {
  if (outcome === 'inconclusive') {
    return {
      answer: 'unknown',
      text: `not tested: the fault had no observable effect (${facts.effect?.detail ?? 'effect not seen'}), so the observed impact "${facts.impact}" says nothing about the hypothesis`,
    };
  }
  const within = impactRank(facts.impact) <= impactRank(facts.expectedImpact);
  const versus = `observed "${facts.impact}" vs expected "${facts.expectedImpact}"`;
  return {
    answer: within ? 'yes' : 'no',
    text: `${versus}${within ? '' : ': the hypothesis did not hold while the fault ran'}; ${impactEvidence(facts)}`,
  };
}

/** The impact a monitoring system should have seen: the first failing non-alarm probe. */
function firstImpactProbe(facts: Facts) {
  return facts.failedDuring
    .filter((p) => p.kind !== 'alarm' && p.firstFailureAt !== undefined)
    .sort((a, b) => Date.parse(a.firstFailureAt ?? '') - Date.parse(b.firstFailureAt ?? ''))[0];
}

function missedText(facts: Facts): string {
  const probe = firstImpactProbe(facts);
  if (!probe) return `the impact seen after the fault (${facts.failedAfter.join('; ') || 'not steady'})`;
  const span = secondsBetween(probe.firstFailureAt, probe.lastFailureAt) ?? 0;
  const what = probe.worst ? shortObservation(probe.worst.observed) : 'failures';
  return span > 0
    ? `${duration(span)} of ${what} on ${probeName(probe.id)}`
    : `${what} on ${probeName(probe.id)} (${probe.failures} failing check${probe.failures === 1 ? '' : 's'})`;
}

function detected(facts: Facts): Finding {
  if (facts.impact === 'none') {
    return { answer: 'not applicable', text: 'no impact to detect: no probe failed and no alarm fired' };
  }
  const impactSeenByProbes =
    facts.failedDuring.some((p) => p.kind !== 'alarm') || facts.afterImpact !== 'none';
  if (!impactSeenByProbes) {
    return {
      answer: 'yes',
      text: `${facts.detectedBy ?? 'an alarm'} reached ALARM at ${clock(facts.detectedAt ?? facts.alarmsFired[0]?.at ?? '')}; no other probe saw impact`,
    };
  }
  if (facts.detectedAt !== undefined) {
    const ttd = facts.timeToDetectSeconds;
    return {
      answer: 'yes',
      text: `${facts.detectedBy ?? 'an alarm'} reached ALARM at ${clock(facts.detectedAt)}${ttd !== undefined ? `, ${duration(ttd)} after the probes first saw impact (time to detect)` : ''}`,
    };
  }
  return {
    answer: 'no',
    text: `monitoring missed ${missedText(facts)}: no stop-condition alarm or alarm probe reached ALARM`,
  };
}

function capacityText(facts: Facts): string {
  return facts.capacity
    .map((c) => {
      const numbers = `${c.before ?? 'not measured'} before, peak ${c.peak ?? 'not measured'}, ${c.after ?? 'not measured'} after`;
      const verdict =
        c.before === undefined || c.peak === undefined
          ? 'not enough data to say whether autoscaling added capacity'
          : c.peak > c.before
            ? 'autoscaling added capacity'
            : 'autoscaling did not add capacity';
      return `in-service capacity of ${c.group}: ${numbers} (${verdict})`;
    })
    .join('; ');
}

function handled(outcome: Outcome, facts: Facts, plan: ExperimentPlan): Finding {
  const capacity = facts.capacity.length > 0 ? `; ${capacityText(facts)}` : '';
  if (outcome === 'inconclusive') {
    return {
      answer: 'not applicable',
      text: `the fault did not act, so recovery was not tested (${facts.recovered ? 'steady' : 'not steady'} after it)${capacity}`,
    };
  }
  if (facts.afterChecks === 0) {
    return { answer: 'unknown', text: `the steady state was not re-checked after the fault${capacity}` };
  }
  if (facts.recovered) {
    const when =
      facts.recoverySeconds !== undefined
        ? `${duration(facts.recoverySeconds)} after the fault ended`
        : 'after the fault';
    return {
      answer: 'yes',
      text: `steady again ${when} (check ${facts.afterChecks}, recovery window ${duration(plan.recovery.windowSeconds)})${capacity}`,
    };
  }
  const failing = facts.lastAfter?.probes.filter((p) => !p.ok).map((p) => `${p.id} saw ${p.observed}`) ?? [];
  return {
    answer: 'no',
    text: `not steady within the ${duration(plan.recovery.windowSeconds)} recovery window (${facts.afterChecks} checks): ${failing.join('; ') || 'not steady'}${capacity}`,
  };
}

function automate(
  outcome: Outcome,
  facts: Facts,
  found: { detected: Finding },
  plan: ExperimentPlan,
): string[] {
  const list: string[] = [];
  if (found.detected.answer === 'no') {
    const alarms = plan.stopConditions.map((s) => s.alarmName);
    const probe = firstImpactProbe(facts);
    const what = probe
      ? `${probeName(probe.id)} failed for ${duration(secondsBetween(probe.firstFailureAt, probe.lastFailureAt) ?? 0)}`
      : 'the steady state failed after the fault';
    list.push(
      alarms.length > 0
        ? `${alarms.length === 1 ? 'alarm' : 'alarms'} ${alarms.join(', ')} did not fire although ${what}: lower ${alarms.length === 1 ? 'its' : 'a'} threshold or add a detection alarm on that signal`
        : `no alarm watched it although ${what}: add a detection alarm on that signal`,
    );
  }
  for (const c of facts.capacity) {
    if (outcome === 'inconclusive') continue;
    if (c.before !== undefined && c.peak !== undefined && c.peak <= c.before && facts.impact !== 'none') {
      list.push(
        `autoscaling did not add capacity to ${c.group} (stayed at ${c.before}) while the system was impacted: add or tune a scaling policy on the stressed signal`,
      );
    }
  }
  return list;
}

function digDeeper(outcome: Outcome, facts: Facts, plan: ExperimentPlan, reason: string): string[] {
  const list: string[] = [];
  const effect = facts.effect;
  if (outcome === 'inconclusive') {
    const checks =
      plan.effect?.kind === 'metric'
        ? `${metricEffectChecks(plan.effect)}.`
        : 'Check that the SSM agent is online on the targets, that the stress tool is installed (installDependencies: true lets the document install it), and that the targets have detailed monitoring for 1-minute CPU datapoints.';
    list.push(
      `The fault had no observable effect (${effect?.detail ?? 'not seen'}${effect?.command ? `; ${effect.command}` : ''}). ${checks}`,
    );
  } else if (effect?.status === 'partial') {
    list.push(`The fault acted on some targets only: ${effect.detail}.`);
  } else if (effect?.status === 'no-data' || effect?.status === 'unverified') {
    list.push(`The fault's effect was not verified: ${effect.detail}.`);
  }
  if (outcome !== 'inconclusive' && impactRank(facts.impact) > impactRank(facts.expectedImpact)) {
    const worst = facts.failedDuring[0];
    list.push(
      `Observed impact "${facts.impact}" exceeded the expected "${facts.expectedImpact}"${worst ? ` (${duringEvidence(worst)})` : ''}: find what made the system more fragile than the hypothesis assumed.`,
    );
  }
  if (outcome === 'aborted') {
    list.push(
      facts.stop && !stopConfirmed(facts.stop)
        ? `The stop was requested but no read confirmed it: check the fault now${facts.stop.checkCommand ? ` with \`${facts.stop.checkCommand}\`` : ' in the FIS or SSM console'}.`
        : `The fault was ended early (${reason}): check whether the stop condition fired on real impact or on noise.`,
    );
  }
  if (facts.impact === 'none' && facts.alarmsFired.length > 0) {
    list.push(
      `Alarm ${[...new Set(facts.alarmsFired.map((t) => t.alarmName))].join(', ')} reached ALARM although no probe saw impact: check its threshold for noise.`,
    );
  }
  if (facts.afterChecks > 0 && !facts.recovered && outcome !== 'inconclusive') {
    list.push(
      `The steady state did not return by itself within ${duration(plan.recovery.windowSeconds)}: ${
        (facts.lastAfter?.probes ?? [])
          .filter((p) => !p.ok)
          .map((p) => p.id)
          .join(', ') || 'see the last check'
      }.`,
    );
  }
  return list;
}

/** The conclusions of an injected experiment, from its outcome and facts. */
export function conclude(outcome: Outcome, facts: Facts, plan: ExperimentPlan, reason: string): Conclusions {
  const found = {
    expected: expected(outcome, facts),
    detected: detected(facts),
    handled: handled(outcome, facts, plan),
  };
  return {
    ...found,
    automate: automate(outcome, facts, found, plan),
    digDeeper: digDeeper(outcome, facts, plan, reason),
  };
}
