import { useState } from 'react';
import { useLocation } from 'wouter';
import type { DraftState, ImageDetail } from '@peel/api';
import { links } from '../../app/links.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { TextField } from '../../components/TextField.js';
import { imageRefProblem } from '../../lib/image-ref.js';
import { usePatchConfig, useSetTag } from '../draft/index.js';
import { ArgvField } from './ArgvField.js';
import { configPatch, formFromConfig, readForm, type ConfigForm } from './config-form.js';
import { KeyValueEditor } from './KeyValueEditor.js';
import { ListEditor } from './ListEditor.js';

/** The run config and the result's name as a form; saving puts the differences into the draft. */
export function ConfigEditor({ image, draft }: { image: ImageDetail; draft: DraftState }) {
  const [, navigate] = useLocation();
  const [form, setForm] = useState<ConfigForm>(() => formFromConfig(draft.resultConfig));
  const [tag, setTag] = useState(draft.resultTag);
  const [tried, setTried] = useState(false);
  const patch = usePatchConfig(image.id);
  const putTag = useSetTag(image.id);
  const { values, errors } = readForm(form);
  const tagProblem = imageRefProblem(tag);
  const changes = configPatch(draft.resultConfig, values);
  const tagChanged = tag !== draft.resultTag;
  const valid = Object.keys(errors).length === 0 && tagProblem === null;
  const busy = patch.isPending || putTag.isPending;
  const set = <K extends keyof ConfigForm>(key: K) => (value: ConfigForm[K]) => setForm((f) => ({ ...f, [key]: value }));

  const save = async () => {
    setTried(true);
    if (!valid) return;
    try {
      if (Object.keys(changes).length) await patch.mutateAsync(changes);
      if (tagChanged) await putTag.mutateAsync(tag);
      navigate(links.config(image.id));
    } catch {
      // The mutation's error is shown beside the Save button.
    }
  };

  return (
    <form
      className="config-page config-editor"
      aria-label="Edit config"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <section className="card wide" aria-labelledby="edit-name">
        <h2 id="edit-name">Name of the result</h2>
        <TextField className="name-field" label="name:tag" value={tag} onChange={setTag} placeholder="alpyne:latest" error={tagProblem ?? undefined} hint="What docker load tags the exported image as." />
      </section>
      <section className="card run" aria-labelledby="edit-run">
        <h2 id="edit-run">How it runs</h2>
        <div className="field-grid">
          <ArgvField label="Entrypoint" value={form.entrypoint} onChange={set('entrypoint')} error={errors.entrypoint} placeholder="/docker-entrypoint.sh" />
          <ArgvField label="Cmd" value={form.cmd} onChange={set('cmd')} error={errors.cmd} placeholder="cat /etc/os-release" />
          <TextField label="WorkingDir" value={form.workingDir} onChange={set('workingDir')} error={errors.workingDir} placeholder="/ (not set)" />
          <TextField label="User" value={form.user} onChange={set('user')} placeholder="root (not set), or uid:gid" />
          <TextField label="StopSignal" value={form.stopSignal} onChange={set('stopSignal')} error={errors.stopSignal} placeholder="SIGTERM (not set)" />
        </div>
      </section>
      <section className="card" aria-labelledby="edit-ports">
        <h2 id="edit-ports">Ports and volumes</h2>
        <h3 className="field-title">ExposedPorts</h3>
        <ListEditor label="ExposedPorts" items={form.exposedPorts} onChange={set('exposedPorts')} placeholder="8080/tcp" error={errors.exposedPorts} />
        <h3 className="field-title">Volumes</h3>
        <ListEditor label="Volumes" items={form.volumes} onChange={set('volumes')} placeholder="/data" error={errors.volumes} />
      </section>
      <section className="card wide" aria-labelledby="edit-env">
        <h2 id="edit-env">Environment</h2>
        <KeyValueEditor label="Env" keyLabel="Variable" rows={form.env} onChange={set('env')} error={errors.env} addLabel="Add variable" />
      </section>
      <section className="card wide" aria-labelledby="edit-labels">
        <h2 id="edit-labels">Labels</h2>
        <KeyValueEditor label="Labels" keyLabel="Label" rows={form.labels} onChange={set('labels')} error={errors.labels} addLabel="Add label" />
      </section>
      <div className="card wide form-footer">
        <button type="submit" className="button primary" disabled={busy || (tried && !valid)}>
          {busy ? 'Saving…' : 'Save to draft'}
        </button>
        <button type="button" className="button" onClick={() => navigate(links.config(image.id))}>
          Cancel
        </button>
        <span className="muted small">
          {Object.keys(changes).length + (tagChanged ? 1 : 0) === 0
            ? 'Nothing changed yet.'
            : `Changes: ${[...Object.keys(changes), ...(tagChanged ? ['name'] : [])].join(', ')}.`}
        </span>
        {tried && !valid ? <span className="field-error">Fix the fields marked above first.</span> : null}
        {patch.isError ? <ErrorNote compact error={patch.error} title="Could not save the config" /> : null}
        {putTag.isError ? <ErrorNote compact error={putTag.error} title="Could not save the name" /> : null}
      </div>
    </form>
  );
}
