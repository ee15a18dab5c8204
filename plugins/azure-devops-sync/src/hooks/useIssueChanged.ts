import { useSignal } from '@backstage/plugin-signals-react';
import {
  ISSUE_CHANGED_SIGNAL_CHANNEL,
  type IssueChangedSignal,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { useEffect, useRef } from 'react';

/**
 * Calls `onChange` for each issue-changed signal the backend broadcasts
 * (an inbound Azure DevOps change applied, an outbound job finished) that
 * `matches` accepts. `live` is false when the app has no signals plugin: the
 * caller then has to poll.
 */
export function useIssueChanged(
  matches: (signal: IssueChangedSignal) => boolean,
  onChange: () => void,
): { live: boolean } {
  const { lastSignal, isSignalsAvailable } = useSignal<IssueChangedSignal>(
    ISSUE_CHANGED_SIGNAL_CHANNEL,
  );
  // The latest callbacks, so a re-render does not count as a new signal.
  const latest = useRef({ matches, onChange });
  latest.current = { matches, onChange };
  useEffect(() => {
    if (lastSignal && latest.current.matches(lastSignal)) {
      latest.current.onChange();
    }
  }, [lastSignal]);
  return { live: isSignalsAvailable };
}

/** Entity refs from the backend are canonical (lower case); the page's may not be. */
export function sameEntityRef(a: string, b: string): boolean {
  return a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');
}
