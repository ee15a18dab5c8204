import Typography from '@material-ui/core/Typography';

/** A failed action's server message, shown next to the control. */
export function ActionError(props: { error?: string }) {
  if (!props.error) {
    return null;
  }
  return (
    <Typography variant="body2" color="error" role="alert">
      {props.error}
    </Typography>
  );
}
