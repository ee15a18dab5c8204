import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { errorMessage } from '../../utils/errors';

/** A Replay button that shows the server's refusal (e.g. 409) under it. */
export function ReplayButton(props: {
  /** The accessible name, e.g. "Replay delivery d1". */
  label: string;
  replay: () => Promise<void>;
  onReplayed: () => void;
}) {
  const { label, replay, onReplayed } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await replay();
      onReplayed();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button
        size="small"
        variant="outlined"
        color="primary"
        disabled={busy}
        onClick={run}
        aria-label={label}
      >
        {busy ? 'Replaying…' : 'Replay'}
      </Button>
      {error && (
        <Typography
          variant="caption"
          color="error"
          display="block"
          role="alert"
        >
          {error}
        </Typography>
      )}
    </>
  );
}
