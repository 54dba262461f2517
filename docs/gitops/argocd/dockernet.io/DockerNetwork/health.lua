-- Argo CD health of a dockernet.io DockerNetwork: Healthy once every node that should have the
-- network has it as specified; Degraded when a node refused the spec (Stalled); Missing when no
-- node is selected; Progressing otherwise. Runs without Argo CD's open libraries.
local hs = {}
local function condition(type)
  if obj.status == nil or obj.status.conditions == nil then
    return nil
  end
  for _, c in ipairs(obj.status.conditions) do
    if c.type == type then
      return c
    end
  end
  return nil
end
if obj.status == nil or obj.status.observedGeneration ~= obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "waiting for the controller to look at generation " .. tostring(obj.metadata.generation)
  return hs
end
local stalled = condition("Stalled")
if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = stalled.reason .. ": " .. stalled.message
  return hs
end
local ready = condition("Ready")
if ready == nil then
  hs.status = "Progressing"
  hs.message = "waiting for the controller's summary"
  return hs
end
hs.message = ready.message
if ready.status == "True" then
  hs.status = "Healthy"
  local warning = condition("Warning")
  if warning ~= nil and warning.status == "True" then
    hs.message = ready.message .. "; warning: " .. warning.message
  end
elseif ready.reason == "NoNodesSelected" then
  hs.status = "Missing"
else
  hs.status = "Progressing"
end
return hs
