import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import { useCallback, useId, useState } from 'react';
import { ActionError } from './ActionError';
import { useAction } from './useAction';

/** A comment box; linked work items get the comment when comment sync is on. */
export function CommentForm(props: {
  addComment: (text: string) => Promise<void>;
}) {
  const { addComment } = props;
  const id = useId();
  const [text, setText] = useState('');
  const action = useAction(
    useCallback(
      async (value: string) => {
        await addComment(value);
        setText('');
      },
      [addComment],
    ),
  );
  return (
    <Box
      component="form"
      onSubmit={(e: React.FormEvent) => {
        e.preventDefault();
        if (text.trim()) {
          action.run(text);
        }
      }}
    >
      <TextField
        label="Comment"
        id={`${id}-comment`}
        multiline
        minRows={2}
        fullWidth
        variant="outlined"
        value={text}
        onChange={e => setText(e.target.value)}
      />
      <Box mt={1}>
        <Button
          type="submit"
          variant="outlined"
          color="primary"
          disabled={!text.trim() || action.busy}
        >
          Add comment
        </Button>
      </Box>
      <ActionError error={action.error} />
    </Box>
  );
}
